"""`DevServer`: a local e621ng-compatible HTTP server over the generated demo data.

Edge rules (e621-api.md §0.2, §0.8), applied to API paths only (static `/data/` and `/images/`
files skip them, like a CDN that does not check):

* a missing, empty, generic-library or browser (`Mozilla/…`) User-Agent gets a 403 HTML page;
* more than 2 API requests *arriving* in any 1.0 s sliding window get a 503 HTML page. Rejected
  requests count too, as at a real edge: a client that keeps hammering stays blocked, so a
  client must never start a third request within 1 s of the first (leave a little margin for
  network jitter).

(Over 400 lines on purpose: one request's whole path — edge rules, faults, routing, the
request log — reads top to bottom in one file; the routes themselves live in routes_*.py.)
"""

from __future__ import annotations

import contextlib
import errno
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from e621tui.devserver.app import authenticate, dispatch, parse_body
from e621tui.devserver.common import HttpError, Response, SlidingLimiter
from e621tui.devserver.faults import (
    ActiveFault,
    Faults,
    api_misuse_page,
    cloudflare_page,
    db_unavailable,
    mangle,
    rate_limited_page,
)
from e621tui.devserver.generate import generate
from e621tui.devserver.hostile import add_hostile
from e621tui.devserver.images import StaticFiles
from e621tui.devserver.media import add_media, files_from_a_child
from e621tui.devserver.model import DemoState
from e621tui.devserver.mutate import add_posts
from e621tui.devserver.static_serve import ranged, send_static

RATE_LIMIT = 2
RATE_WINDOW = 1.0
SET_EDITS_PER_MINUTE = 30
BLOCKED_AGENTS = (
    "python-httpx/", "python-requests/", "python-urllib", "aiohttp", "curl/", "wget",
    "go-http-client", "okhttp", "mozilla/", "java/", "node-fetch", "axios/", "libwww-perl",
)  # fmt: skip


@dataclass
class RequestRecord:
    """One request as the server saw it (`srv.requests`)."""

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    time: float
    is_api: bool
    user: str | None
    #: The method after a `_method=` override in a POST form.
    effective_method: str = ""


def is_blocked_agent(agent: str | None) -> bool:
    """True for the User-Agents the edge refuses."""
    if agent is None or not agent.strip():
        return True
    lowered = agent.strip().lower()
    return any(lowered.startswith(prefix) for prefix in BLOCKED_AGENTS)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: DevServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away or the server is stopping
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed
    # ACKs add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    server_version = "e621-devserver/1"
    sys_version = ""
    timeout = 120
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # already reset (fault "reset") or shut down by stop()
        finally:
            self.server.owner._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.owner.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self.server.owner._handle(self, time.monotonic())

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def send(self, response: Response) -> None:
        """Write a response with Content-Length so the connection can be kept alive."""
        self.send_response(response.status)
        no_body = response.status in (204, 304)
        if not no_body:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and not no_body:
            self.wfile.write(response.body)

    def reset(self) -> None:
        """Drop the connection without a response (RST, not a clean close)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.connection.close()
        except OSError:
            pass  # already gone


class DevServer:
    """A local e621ng-compatible server with deterministic demo data.

    Args:
        host: Interface to bind.
        port: Port to bind (0 picks a free one; restarts reuse whatever was bound).
        seed: Seed of the generated data.
        post_count: Number of ordinary posts (at least 60).
        enforce_rate_limit: Apply the edge's 2-requests-per-second rule.
        enforce_set_edit_limit: Apply the 30 set edits per minute per user rule.
        hostile: Add the hostile content set (`hostile.py`).
        media: Add the posts whose files are real, with true md5s (`media.py`).
        media_in_background: Make those posts' files in a forked process once `start` is
            called (~0.4 s of CPU on the other core) and add the posts from a thread; every
            request waits until they are there (the demo's first screen is not held up by
            them, and no client ever sees the data without them).

    Attributes:
        static_ranges: Honour ``Range`` on static files (False: always the whole file).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int = 621,
        post_count: int = 3000,
        enforce_rate_limit: bool = True,
        enforce_set_edit_limit: bool = True,
        hostile: bool = False,
        media: bool = False,
        media_in_background: bool = False,
        verbose: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.enforce_rate_limit = enforce_rate_limit
        self.verbose = verbose
        # Forked first, before any thread exists, so that it works while the data is made.
        self._media_files = files_from_a_child() if media and media_in_background else None
        self.state: DemoState = generate(seed, post_count)
        if hostile:
            add_hostile(self.state)
        self._media_ready = threading.Event()
        self._media_pending = media and media_in_background
        if media and not media_in_background:
            add_media(self.state)
        if not self._media_pending:
            self._media_ready.set()
        self.static_ranges = True
        self.faults = Faults()
        self.static = StaticFiles(self.state)
        self.set_edit_limiter = (
            SlidingLimiter(SET_EDITS_PER_MINUTE, 60.0) if enforce_set_edit_limit else None
        )
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._recent_api: deque[float] = deque()
        self._connections: set[socket.socket] = set()
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """`http://HOST:PORT` (the port is known once started)."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return self.base_url + path

    @property
    def running(self) -> bool:
        """True while serving."""
        return self._httpd is not None

    def start(self) -> DevServer:
        """Serve in a daemon thread (rebinding the same port after a `stop`)."""
        if self._httpd is not None:
            return self
        deadline = time.monotonic() + 5.0
        while True:
            try:
                httpd = _HttpServer((self.host, self.port), _Handler)
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        httpd.owner = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"e621-devserver:{self.port}",
        )  # fmt: skip
        self._thread.start()
        if self._media_pending:
            self._media_pending = False
            files, self._media_files = self._media_files, None
            assert files is not None
            threading.Thread(target=self._add_media, args=(files,), daemon=True).start()
        return self

    def _add_media(self, files_made_elsewhere: Callable[[], None]) -> None:
        try:
            files_made_elsewhere()
            with self.state.lock:
                add_media(self.state)
        finally:
            self._media_ready.set()  # a failure shows as missing posts, never as a hang

    def stop(self) -> None:
        """Stop serving and drop open connections; `start()` may be called again."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        self.faults.interrupt()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by its handler
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        self.stop()

    # --- request log --------------------------------------------------------------------------

    def api_requests(
        self, path_prefix: str | None = None, method: str | None = None
    ) -> list[RequestRecord]:
        """Recorded API requests, optionally filtered by path prefix and (HTTP) method."""
        with self._lock:
            records = list(self.requests)
        return [
            r
            for r in records
            if r.is_api
            and (path_prefix is None or r.path.startswith(path_prefix))
            and (method is None or r.method == method.upper())
        ]

    def static_requests(self, path_prefix: str | None = None) -> list[RequestRecord]:
        """Recorded static-file requests (``/data/…``, ``/images/…``), optionally by prefix."""
        with self._lock:
            records = list(self.requests)
        return [
            r
            for r in records
            if not r.is_api and (path_prefix is None or r.path.startswith(path_prefix))
        ]

    def max_requests_in_window(self, window: float = 1.0) -> int:
        """The most API requests that arrived within any `window` seconds (sliding)."""
        times = sorted(r.time for r in self.api_requests())
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def add_posts(self, count: int = 1, **fields: Any) -> list[int]:
        """Upload new posts while serving (see `mutate.add_posts`); return their ids."""
        return add_posts(self.state, count, **fields)

    def clear_requests(self) -> None:
        """Forget recorded requests (the rate window keeps its memory)."""
        with self._lock:
            self.requests.clear()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _record(self, record: RequestRecord) -> int:
        """Store a record; return how many API requests arrived in the window ending now."""
        with self._lock:
            self.requests.append(record)
            if not record.is_api:
                return 0
            recent = self._recent_api
            recent.append(record.time)
            while recent and recent[0] <= record.time - 10 * RATE_WINDOW:
                recent.popleft()
            return sum(1 for t in recent if record.time - RATE_WINDOW < t <= record.time)

    # --- request handling ---------------------------------------------------------------------

    def _handle(self, handler: _Handler, arrival: float) -> None:
        self._media_ready.wait()
        split = urlsplit(handler.path)
        path = unquote(split.path)
        query = parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw_body = handler.rfile.read(length) if length > 0 else b""
        form = parse_body(raw_body, headers.get("content-type", ""))
        params = {**query, **form}
        method = handler.command
        effective = method
        override = (params.get("_method") or [""])[0].upper()
        if method == "POST" and override in ("DELETE", "PATCH", "PUT"):
            effective = override
        is_api = not path.startswith(("/data/", "/images/"))
        record = RequestRecord(
            method, path, query, form, headers, 0, arrival, is_api, None, effective
        )
        in_window = self._record(record)
        fault = self.faults.take(path, method, is_api)
        if fault is not None and fault.mode == "reset":
            handler.reset()
            return
        if fault is not None and fault.mode == "slow":
            fault.opts["wake"].wait(float(fault.opts.get("delay", 15.0)))
            if self._httpd is None:
                handler.reset()
                return
        if is_api:
            response = self._api(effective, path, params, headers, record, in_window, fault)
        else:
            status, body, kind = self.static.get(path)
            response = Response(status, body, kind)
            if status == 200:
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            response = ranged(response, headers.get("range"), enabled=self.static_ranges)
            record.status = response.status
            send_static(handler, response, fault)
            return
        record.status = response.status
        handler.send(response)

    def _api(
        self,
        method: str,
        path: str,
        params: dict[str, list[str]],
        headers: dict[str, str],
        record: RequestRecord,
        in_window: int,
        fault: ActiveFault | None,
    ) -> Response:
        response = self._edge_and_app(method, path, params, headers, record, in_window, fault)
        if fault is not None:
            response = mangle(response, fault)
        return response

    def _edge_and_app(
        self,
        method: str,
        path: str,
        params: dict[str, list[str]],
        headers: dict[str, str],
        record: RequestRecord,
        in_window: int,
        fault: ActiveFault | None,
    ) -> Response:
        if is_blocked_agent(headers.get("user-agent")):
            return api_misuse_page()
        if self.enforce_rate_limit and in_window > RATE_LIMIT:
            return rate_limited_page()
        if fault is not None:
            if fault.mode == "rate_storm":
                return rate_limited_page()
            if fault.mode == "html_5xx":
                return cloudflare_page(int(fault.opts["status"]))
            if fault.mode == "fail_writes":
                return db_unavailable()
        try:
            user = authenticate(self.state, headers, params)
        except HttpError as exc:
            return exc.response
        record.user = user.name if user else None
        return dispatch(
            self.state, method, path, params, user, self.base_url, self.set_edit_limiter
        )
