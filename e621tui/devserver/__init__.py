"""A local e621ng-compatible HTTP server with generated demo data.

Used by `e621-tui --demo`, the integration, UI and end-to-end tests, benchmarks and screenshot
scripts. Standard library plus Pillow only; never imports textual.

    from e621tui.devserver import DevServer, DEMO_USERNAME, DEMO_API_KEY
    with DevServer(enforce_rate_limit=False) as srv:
        print(srv.base_url, srv.state.special["video"])

`srv.state.special` maps names to ids of notable records:

* posts: newest, oldest (ordinary posts; hostile ones are newer), large (has a sample), small
  (no sample), png, gif, video (webm with duration), swf (placeholder preview), deleted,
  login_blocked (`young`, rating q: null URLs for anonymous users), corrupt_preview (truncated
  JPEG), missing_preview (404), described (DText description and sources), legacy_score
  (total != up + down), parent, child, deleted_child, pending, flagged;
* pools: pool_3, pool_12 (contains the deleted post), pool_40, pool_250, pool_1000;
* sets: set_demo_public, set_demo_small, set_demo_private, set_demo_empty, set_demo_long_name,
  set_other_maintained (demo maintains it), set_other_private, set_other_public;
* users: user_demo, user_other, user_hidden_favorites;
* comments, wiki pages and notes (`discovery_data.py`; made on first use, or call
  `ensure_discovery(state)`): many_comments (a post with 3000 comments), comment_sticky,
  comment_hidden, comment_warned, comment_low_score, wiki_showcase (every DText feature),
  wiki_redirect, wiki_numeric (titled "2020"), wiki_deleted, notes_post;
* with `hostile=True`: hostile, hostile_rtl, hostile_long_description, hostile_many_tags,
  hostile_long_tag, hostile_pool, hostile_set (owned by demo), hostile_user, hostile_comment,
  hostile_wiki;
* with `media=True` (posts whose files are real bytes with true md5s, `media.py`): media_1 …
  media_6, media_pool (15 posts), media_set, media_video, media_mp4, media_gif, media_apng,
  media_hostile_artist, media_hostile_pool, media_hidden, media_deleted.

`srv.add_posts(n, tags=[...])` uploads new posts while serving (feeds that catch up). Static
files honour ``Range`` (206/416; `srv.static_ranges = False` turns that off), the faults ``cut``
and ``throttle`` hit downloads, and `srv.static_requests(prefix)` lists the static requests
(with their headers and status) next to `srv.api_requests`.
"""

from __future__ import annotations

from e621tui.devserver.generate import (
    DEMO_API_KEY,
    DEMO_USER_ID,
    DEMO_USERNAME,
    OTHER_API_KEY,
    OTHER_USER_ID,
    OTHER_USERNAME,
)
from e621tui.devserver.model import DemoState
from e621tui.devserver.server import DevServer, RequestRecord, is_blocked_agent

__all__ = [
    "DEMO_API_KEY",
    "DEMO_USERNAME",
    "DEMO_USER_ID",
    "OTHER_API_KEY",
    "OTHER_USERNAME",
    "OTHER_USER_ID",
    "DemoState",
    "DevServer",
    "RequestRecord",
    "is_blocked_agent",
]
