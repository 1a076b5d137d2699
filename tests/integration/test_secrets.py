"""The API key never leaves for another host, and never shows up in URLs, logs or errors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from e621tui.api.client import E621Client
from e621tui.api.errors import ApiError
from e621tui.devserver import DEMO_USERNAME, DevServer

SECRET = "s3cret-key-that-must-not-leak"


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []
    redirect_to: str = ""

    def do_GET(self) -> None:
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()})
        if self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"posts": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def hosts() -> Iterator[tuple[type[_Recorder], type[_Recorder], str]]:
    class Origin(_Recorder):
        seen: list[dict[str, str]] = []

    class Other(_Recorder):
        seen: list[dict[str, str]] = []

    other, other_url = _serve(Other)
    # "localhost" is another host name than the client's 127.0.0.1, as another site would be.
    Origin.redirect_to = other_url.replace("127.0.0.1", "localhost")
    origin, origin_url = _serve(Origin)
    yield Origin, Other, origin_url
    origin.shutdown()
    other.shutdown()


async def test_redirect_to_another_host_drops_credentials(
    hosts: tuple[type[_Recorder], type[_Recorder], str],
) -> None:
    origin, other, origin_url = hosts
    async with E621Client(origin_url, "someone", SECRET) as client:
        await client.posts.search(limit=1)
    assert "authorization" in origin.seen[0]
    assert other.seen, "the redirect was not followed"
    assert all("authorization" not in headers for headers in other.seen)
    assert all(SECRET not in str(headers) for headers in other.seen)


async def test_errors_and_logs_never_contain_the_key(
    server: DevServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with E621Client(server.base_url, DEMO_USERNAME, SECRET, max_attempts=1) as client:
        with pytest.raises(ApiError) as info:
            await client.account.me()
        server.faults.set("html_5xx", count=1)
        with pytest.raises(ApiError) as info2:
            await client.posts.search(limit=1)
    for text in (str(info.value), repr(info.value), str(info2.value), caplog.text):
        assert SECRET not in text
    for record in server.api_requests():
        assert SECRET not in record.path and SECRET not in str(record.query)


class _Echo(BaseHTTPRequestHandler):
    """A hostile server that puts the caller's credentials into its error message."""

    def do_GET(self) -> None:
        import base64

        auth = self.headers.get("Authorization", "")
        decoded = base64.b64decode(auth.split(" ", 1)[-1]).decode() if auth else ""
        body = ('{"success": false, "message": "bad credentials ' + decoded + '"}').encode()
        self.send_response(422)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


async def test_a_server_echoing_the_key_gets_it_redacted() -> None:
    httpd, url = _serve(_Echo)
    try:
        async with E621Client(url, "someone", SECRET, max_attempts=1) as client:
            with pytest.raises(ApiError) as info:
                await client.posts.search(limit=1)
    finally:
        httpd.shutdown()
    assert "bad credentials someone:" in str(info.value)
    assert SECRET not in str(info.value)
