"""JSON shapes of posts, pools, sets, tags and users (e621-api.md §2.4, §5, §6, §7, §8)."""

from __future__ import annotations

from typing import Any

from e621tui.devserver.common import Ctx
from e621tui.devserver.model import (
    CATEGORY_IDS,
    TAG_ORDER,
    PoolRec,
    PostRec,
    SetRec,
    TagRec,
    UserRec,
)
from e621tui.devserver.related import related_string

PREVIEW_BOX = 256
SAMPLE_BOX = 850
PLACEHOLDER_PATH = "/images/download-preview.png"


def fit(width: int, height: int, box: int) -> tuple[int, int]:
    """Scale (width, height) down to fit in a `box`-pixel square, keeping the aspect ratio."""
    scale = min(1.0, box / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def has_sample(post: PostRec) -> bool:
    """`Post#has_sample?`: videos always, gif/flash never, images when large."""
    if post.ext in ("webm", "mp4"):
        return True
    if post.ext in ("gif", "swf"):
        return False
    return min(post.width, post.height) > 850 or max(post.width, post.height) > 1700


def is_visible(post: PostRec, ctx: Ctx) -> bool:
    """`Post#visible?` (§2.3): deleted, login-blocked and safe-mode posts hide their URLs."""
    if post.deleted:
        return False
    if ctx.user is None and "young" in post.all_tags and post.rating != "s":
        return False
    return not (ctx.user is not None and ctx.user.enable_safe_mode and post.rating != "s")


def data_path(md5: str, kind: str, ext: str) -> str:
    """The static path of a file: kind is "original", "preview" or "sample"."""
    prefix = "/data/" if kind == "original" else f"/data/{kind}/"
    return f"{prefix}{md5[0:2]}/{md5[2:4]}/{md5}.{ext}"


def _video_alternates(post: PostRec, base: str, visible: bool) -> dict[str, Any]:
    md5 = post.md5

    def url(suffix: str) -> str | None:
        if not visible:
            return None
        return f"{base}/data/sample/{md5[0:2]}/{md5[2:4]}/{md5}_{suffix}.mp4"

    def entry(height: int, suffix: str, size: int) -> dict[str, Any] | None:
        if height > post.height:
            return None
        width = round(post.width * height / post.height)
        return {"width": width, "height": height, "codec": "avc1.4D401F", "fps": 24.0,
                "size": size, "url": url(suffix)}  # fmt: skip

    original_url = f"{base}{data_path(md5, 'original', post.ext)}" if visible else None
    return {
        "has": True,
        "original": {
            "codec": "vp9",
            "fps": 24.0,
            "size": post.size,
            "width": post.width,
            "height": post.height,
            "url": original_url,
        },
        "variants": {"mp4": entry(post.height, "alt", post.size // 2)},
        "samples": {
            "720p": entry(720, "720p", post.size // 3),
            "480p": entry(480, "480p", post.size // 5),
        },
    }


def post_json(post: PostRec, ctx: Ctx) -> dict[str, Any]:
    """The legacy post object with every field, for the requesting user."""
    base = ctx.base_url
    visible = is_visible(post, ctx)
    md5 = post.md5
    sampled = has_sample(post)
    pw, ph = fit(post.width, post.height, PREVIEW_BOX)
    sw, sh = fit(post.width, post.height, SAMPLE_BOX) if sampled else (post.width, post.height)
    if not visible:
        file_url = preview_url = preview_alt = sample_url = sample_alt = None
    else:
        file_url = base + data_path(md5, "original", post.ext)
        if post.preview_mode == "placeholder":
            preview_url, preview_alt = base + PLACEHOLDER_PATH, None
        else:
            preview_url = base + data_path(md5, "preview", "jpg")
            preview_alt = base + data_path(md5, "preview", "webp")
        sample_url = base + data_path(md5, "sample", "jpg") if sampled else None
        sample_alt = base + data_path(md5, "sample", "webp") if sampled else None
    user = ctx.user
    return {
        "id": post.id,
        "created_at": ctx.ts(post.created),
        "updated_at": ctx.ts(post.updated),
        "file": {
            "width": post.width,
            "height": post.height,
            "ext": post.ext,
            "size": post.size,
            "md5": md5,
            "url": file_url,
        },
        "preview": {"width": pw, "height": ph, "url": preview_url, "alt": preview_alt},
        "sample": {
            "has": sampled,
            "height": sh,
            "width": sw,
            "url": sample_url,
            "alt": sample_alt,
            "alternates": (
                _video_alternates(post, base, visible) if post.ext in ("webm", "mp4") else {}
            ),
        },
        "score": {"up": post.up, "down": post.down, "total": post.score},
        "tags": {cat: list(post.tags.get(cat, [])) for cat in TAG_ORDER},
        "locked_tags": list(post.locked_tags),
        "change_seq": post.change_seq,
        "flags": {
            "pending": post.pending,
            "flagged": post.flagged,
            "note_locked": post.note_locked,
            "status_locked": post.status_locked,
            "rating_locked": post.rating_locked,
            "deleted": post.deleted,
        },
        "rating": post.rating,
        "fav_count": post.fav_count,
        "sources": list(post.sources),
        "pools": list(post.pools),
        "relationships": {
            "parent_id": post.parent_id,
            "has_children": bool(post.children),
            "has_active_children": any(
                not ctx.state.posts[c].deleted for c in post.children if c in ctx.state.posts
            ),
            "children": list(post.children),
        },
        "approver_id": post.approver_id,
        "uploader_id": post.uploader_id,
        "uploader_name": post.uploader_name,
        "description": post.description,
        "comment_count": post.comment_count,
        "is_favorited": user is not None and post.id in ctx.state.favorites.get(user.id, {}),
        "vote": 0 if user is None else ctx.state.votes.get((user.id, post.id), 0),
        "has_notes": post.has_notes,
        "duration": post.duration,
    }


def pool_json(pool: PoolRec, ctx: Ctx) -> dict[str, Any]:
    """A pool object."""
    return {
        "id": pool.id,
        "name": pool.name,
        "created_at": ctx.ts(pool.created),
        "updated_at": ctx.ts(pool.updated),
        "creator_id": pool.creator_id,
        "description": pool.description,
        "is_active": pool.is_active,
        "category": pool.category,
        "post_ids": list(pool.post_ids),
        "creator_name": pool.creator_name,
        "post_count": len(pool.post_ids),
    }


def set_json(post_set: SetRec, ctx: Ctx) -> dict[str, Any]:
    """A post set object."""
    return {
        "id": post_set.id,
        "created_at": ctx.ts(post_set.created),
        "updated_at": ctx.ts(post_set.updated),
        "creator_id": post_set.creator_id,
        "is_public": post_set.is_public,
        "name": post_set.name,
        "shortname": post_set.shortname,
        "description": post_set.description,
        "post_count": len(post_set.post_ids),
        "transfer_on_delete": post_set.transfer_on_delete,
        "post_ids": list(post_set.post_ids),
    }


def tag_json(tag: TagRec, ctx: Ctx) -> dict[str, Any]:
    """A `/tags.json` row."""
    return {
        "id": tag.id,
        "name": tag.name,
        "post_count": tag.post_count,
        "related_tags": related_string(ctx.state, tag.name),
        "related_tags_updated_at": ctx.ts(ctx.state.now),
        "category": CATEGORY_IDS.get(tag.category, 0),
        "is_locked": False,
        "created_at": ctx.ts(tag.created),
        "updated_at": ctx.ts(tag.created),
    }


def user_json(user: UserRec, ctx: Ctx) -> dict[str, Any]:
    """A user; private fields only when the requester is that user."""
    state = ctx.state
    data: dict[str, Any] = {
        "id": user.id,
        "created_at": ctx.ts(user.created),
        "name": user.name,
        "level": user.level,
        "base_upload_limit": 10,
        "post_upload_count": user.post_upload_count,
        "post_update_count": user.post_upload_count * 3,
        "note_update_count": 0,
        "is_banned": False,
        "can_approve_posts": user.level >= 60,
        "can_upload_free": user.level >= 30,
        "level_string": user.level_string,
        "avatar_id": None,
        "is_verified": True,
        "has_cropped_avatar": False,
        "upload_karma": 0,
        "upload_karma_free": 0,
        "wiki_page_version_count": 0,
        "artist_version_count": 0,
        "pool_version_count": 0,
        "forum_post_count": 0,
        "comment_count": 0,
        "flag_count": 0,
        "favorite_count": len(state.favorites.get(user.id, {})),
        "positive_feedback_count": 0,
        "neutral_feedback_count": 0,
        "negative_feedback_count": 0,
        "upload_slots": 10,
        "profile_about": "",
        "profile_artinfo": "",
    }
    if ctx.user is None or ctx.user.id != user.id:
        return data
    data.update(
        {
            "updated_at": ctx.ts(user.created),
            "email": f"{user.name.lower()}@example.invalid",
            "last_logged_in_at": ctx.ts(state.now),
            "last_forum_read_at": ctx.ts(state.now),
            "recent_tags": "",
            "comment_threshold": -10,
            "default_image_size": "large",
            "favorite_tags": "",
            "blacklisted_tags": user.blacklisted_tags,
            "time_zone": user.time_zone,
            "per_page": user.per_page,
            "custom_style": "",
            "api_regen_multiplier": 1,
            "api_burst_limit": 60,
            "remaining_api_limit": 60,
            "statement_timeout": 3000,
            "favorite_limit": 100_000,
            "tag_query_limit": 40,
            "has_mail": False,
            "unread_dmail_count": 0,
            "blacklist_users": False,
            "description_collapsed_initially": False,
            "hide_comments": False,
            "show_hidden_comments": False,
            "show_post_statistics": True,
            "receive_email_notifications": False,
            "enable_keyboard_navigation": True,
            "enable_privacy_mode": user.hide_favorites,
            "enable_auto_complete": True,
            "enable_safe_mode": user.enable_safe_mode,
            "disable_responsive_mode": False,
            "no_flagging": False,
            "disable_user_dmails": False,
            "enable_compact_uploader": False,
            "replacements_beta": False,
            "forum_notification_dot": True,
        }
    )
    data.update(user.settings)
    return data
