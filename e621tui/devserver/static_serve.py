"""Sending static files like nginx does: byte ranges, plus the download faults.

* ``Range: bytes=a-b`` / ``bytes=a-`` / ``bytes=-n`` (one range) gives **206** with
  ``Content-Range: bytes a-b/total``; a range that starts at or past the end gives **416** with
  ``Content-Range: bytes */total``; several ranges or a malformed header get the whole file
  (200), which RFC 9110 allows. Every 200 says ``Accept-Ranges: bytes``. With
  ``srv.static_ranges = False`` the server ignores ``Range`` (always 200, no
  ``Accept-Ranges``), like a host that cannot resume.
* Fault ``cut`` (option ``fraction``, default 0.5) sends the headers of the full answer, then
  that fraction of the body, then closes the connection.
* Fault ``throttle`` (option ``rate`` in bytes per second, default 65536) trickles the body;
  clearing the fault lets the rest go at full speed.
"""

from __future__ import annotations

import contextlib
import re
import socket
import time
from typing import TYPE_CHECKING

from e621tui.devserver.common import Response
from e621tui.devserver.faults import ActiveFault

if TYPE_CHECKING:
    from e621tui.devserver.server import _Handler

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 8192


def byte_range(header: str | None, total: int) -> tuple[int, int] | str | None:
    """The (first, last) bytes a ``Range`` header asks for, None for all, "unsatisfiable"."""
    if not header:
        return None
    match = _RANGE_RE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges or nonsense: answer with the whole file
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text:
            return None
        suffix = int(last_text)
        if suffix == 0:
            return "unsatisfiable"
        return max(0, total - suffix), total - 1
    first = int(first_text)
    last = int(last_text) if last_text else total - 1
    if last_text and last < first:
        return None
    if first >= total:
        return "unsatisfiable"
    return first, min(last, total - 1)


def ranged(response: Response, range_header: str | None, *, enabled: bool) -> Response:
    """Apply ``Range`` to a 200 response (206/416), or advertise ranges."""
    if response.status != 200:
        return response
    if not enabled:
        return response
    total = len(response.body)
    wanted = byte_range(range_header, total)
    headers = {**response.headers, "Accept-Ranges": "bytes"}
    if wanted is None:
        return Response(200, response.body, response.content_type, headers)
    if wanted == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{total}"
        return Response(416, b"", "text/html", headers)
    assert isinstance(wanted, tuple)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{total}"
    return Response(206, response.body[first : last + 1], response.content_type, headers)


def send_static(handler: _Handler, response: Response, fault: ActiveFault | None) -> None:
    """Write a static response, applying the ``cut`` and ``throttle`` faults."""
    if fault is None or fault.mode not in ("cut", "throttle") or not response.body:
        handler.send(response)
        return
    handler.send_response(response.status)
    handler.send_header("Content-Type", response.content_type)
    handler.send_header("Content-Length", str(len(response.body)))
    for name, value in response.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command == "HEAD":
        return
    body = response.body
    if fault.mode == "cut":
        fraction = float(fault.opts.get("fraction", 0.5))
        handler.wfile.write(body[: int(len(body) * fraction)])
        handler.wfile.flush()
        _hang_up(handler)
        return
    rate = max(1.0, float(fault.opts.get("rate", 65536)))
    wake = fault.opts["wake"]
    started = time.monotonic()
    for offset in range(0, len(body), _CHUNK):
        handler.wfile.write(body[offset : offset + _CHUNK])
        handler.wfile.flush()
        if wake.is_set():
            continue  # the fault was cleared (or the server stops): no more waiting
        due = started + (offset + _CHUNK) / rate
        wake.wait(max(0.0, due - time.monotonic()))
        if handler.server.owner._httpd is None:
            _hang_up(handler)
            return


def _hang_up(handler: _Handler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):  # the client already went away
        handler.connection.shutdown(socket.SHUT_RDWR)


__all__ = ["byte_range", "ranged", "send_static"]
