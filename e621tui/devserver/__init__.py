"""A local e621ng-compatible HTTP server with generated demo data.

Used by `e621-tui --demo`, the integration, UI and end-to-end tests, benchmarks and screenshot
scripts. Standard library plus Pillow only; never imports textual.

    from e621tui.devserver import DevServer, DEMO_USERNAME, DEMO_API_KEY
    with DevServer(enforce_rate_limit=False) as srv:
        print(srv.base_url, srv.state.special["video"])
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
