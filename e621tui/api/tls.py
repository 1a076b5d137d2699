"""One TLS context for the whole process, built once (and, if asked, early in a helper thread).

Loading the CA bundle costs ~35 ms, and httpx does it for every client it makes; the API client
and the image client share this one instead. `prepare` starts building it in a thread at
start-up, so that the cost overlaps with imports (OpenSSL reads the bundle without the GIL).
"""

from __future__ import annotations

import ssl
import threading

import httpx

_lock = threading.Lock()
_context: ssl.SSLContext | None = None
_builder: threading.Thread | None = None


def _build() -> None:
    global _context
    # Exactly what httpx would make by default (certifi, or SSL_CERT_FILE / SSL_CERT_DIR).
    context = httpx.create_ssl_context(trust_env=True)
    with _lock:
        if _context is None:
            _context = context


def prepare() -> None:
    """Start building the shared context in a helper thread (returns at once)."""
    global _builder
    with _lock:
        if _context is not None or _builder is not None:
            return
        _builder = threading.Thread(target=_build, name="e621-tui-tls", daemon=True)
        _builder.start()


def ssl_context() -> ssl.SSLContext:
    """The shared context (waits for `prepare`'s thread, or builds it now)."""
    builder = _builder
    if builder is not None:
        builder.join()
    if _context is None:
        _build()
    assert _context is not None
    return _context


__all__ = ["prepare", "ssl_context"]
