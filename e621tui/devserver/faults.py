"""Fault injection for hardening tests, plus the edge's and Cloudflare's HTML pages.

One mode is active at a time. Options common to every mode: `count=N` applies the fault to the
next N affected requests and then clears it; `path_prefix="/posts"` limits it to API paths
starting with that prefix. `slow` also takes `delay` (seconds, default 15). The download
faults `cut` and `throttle` hit static files only (see `static_serve.py` for their options).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from e621tui.devserver.common import Response, html_response, json_response

MODES = frozenset(
    {
        "rate_storm",
        "html_5xx",
        "malformed_json",
        "truncated_json",
        "wrong_content_type",
        "slow",
        "reset",
        "fail_writes",
        "cut",
        "throttle",
    }
)
#: Modes that hit static files only.
STATIC_ONLY_MODES = frozenset({"cut", "throttle"})
#: Modes that also hit static files.
STATIC_MODES = frozenset({"slow", "reset"}) | STATIC_ONLY_MODES
CF_STATUSES = (502, 520, 521, 522, 523, 524, 504)
_CF_TITLES = {
    502: "Bad gateway",
    504: "Gateway time-out",
    520: "Web server is returning an unknown error",
    521: "Web server is down",
    522: "Connection timed out",
    523: "Origin is unreachable",
    524: "A timeout occurred",
}


@dataclass
class ActiveFault:
    """The fault that applies to one request."""

    mode: str
    opts: dict[str, Any] = field(default_factory=dict)


class Faults:
    """Thread-safe holder of the active fault mode (`srv.faults`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mode: str | None = None
        self._opts: dict[str, Any] = {}
        self._remaining: int | None = None
        self._cf_cycle = itertools.cycle(CF_STATUSES)
        #: Set whenever the fault changes or the server stops, to cut `slow` sleeps short.
        self.wake = threading.Event()

    @property
    def mode(self) -> str | None:
        """The active mode, or None."""
        with self._lock:
            return self._mode

    def set(self, mode: str, **opts: Any) -> None:
        """Activate `mode` (replacing any other) with its options."""
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}; choose from {sorted(MODES)}")
        with self._lock:
            self.wake.set()
            self.wake = threading.Event()
            self._mode, self._opts = mode, dict(opts)
            count = opts.get("count")
            self._remaining = int(count) if count is not None else None
            self._cf_cycle = itertools.cycle(CF_STATUSES)

    def clear(self) -> None:
        """Deactivate faults (and wake requests sleeping in `slow`)."""
        with self._lock:
            self._mode, self._opts, self._remaining = None, {}, None
            self.wake.set()
            self.wake = threading.Event()

    def interrupt(self) -> None:
        """Wake requests sleeping in `slow` without changing the mode."""
        with self._lock:
            self.wake.set()
            self.wake = threading.Event()

    def take(self, path: str, method: str, is_api: bool) -> ActiveFault | None:
        """The fault to apply to this request, consuming one use of `count`."""
        with self._lock:
            mode = self._mode
            if mode is None:
                return None
            if not is_api and mode not in STATIC_MODES:
                return None
            if is_api and mode in STATIC_ONLY_MODES:
                return None
            if mode == "fail_writes" and method in ("GET", "HEAD"):
                return None
            prefix = self._opts.get("path_prefix")
            if prefix and not path.startswith(prefix):
                return None
            opts = dict(self._opts)
            if mode == "html_5xx":
                opts["status"] = next(self._cf_cycle)
            opts["wake"] = self.wake
            if self._remaining is not None:
                self._remaining -= 1
                if self._remaining <= 0:
                    self._mode, self._opts, self._remaining = None, {}, None
            return ActiveFault(mode, opts)


def api_misuse_page() -> Response:
    """The edge's answer to a missing, generic or browser User-Agent."""
    return html_response(
        403,
        "403 Forbidden - API misuse",
        "API misuse: requests must send a descriptive User-Agent naming your project and your "
        "username, e.g. 'MyProject/1.0 (by username on e621)'. Generic library and browser "
        "User-Agents are blocked.",
    )


def rate_limited_page() -> Response:
    """The edge's answer to more than two requests in a second."""
    return html_response(
        503,
        "503 Service Temporarily Unavailable",
        "Rate limit exceeded: keep to at most 2 requests per second (1 per second sustained).",
    )


def cloudflare_page(status: int) -> Response:
    """A Cloudflare-style origin error page."""
    title = _CF_TITLES.get(status, "Error")
    return html_response(
        status,
        f"e621.net | {status}: {title}",
        f"Error code {status}. Cloudflare Ray ID: 8c0ffee{status}. Performance & security by "
        "Cloudflare.",
        {"Server": "cloudflare", "CF-RAY": f"8c0ffee{status}-DEV"},
    )


def db_unavailable() -> Response:
    """The app's answer when its database is down (used for `fail_writes`)."""
    body = {"success": False, "message": "The database is unavailable. Try again later.",
            "code": None}  # fmt: skip
    return json_response(body, 503)


def mangle(response: Response, fault: ActiveFault) -> Response:
    """Apply the body-level faults to an otherwise normal API response."""
    if fault.mode == "malformed_json":
        body = b'{"posts":[{"id":1,"tags":{"general":["oops",]}}, nul'
        return Response(200, body, "application/json; charset=utf-8")
    if fault.mode == "truncated_json":
        if response.is_json and len(response.body) > 1:
            cut = response.body[: max(1, len(response.body) // 2)]
        else:
            cut = b'{"posts":[{"id":'
        return Response(response.status, cut, "application/json; charset=utf-8",
                        dict(response.headers))  # fmt: skip
    if fault.mode == "wrong_content_type":
        kind = "text/html; charset=utf-8" if response.is_json else "application/json"
        return Response(response.status, response.body, kind, dict(response.headers))
    return response
