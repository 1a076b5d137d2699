"""Command line: ``e621-tui [QUERY] [options]``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from e621tui import __version__
from e621tui.settings.config import (
    GRAPHICS_MODES,
    SITES,
    ConfigError,
    Settings,
    apply_overrides,
    cache_dir,
    check_base_url,
    data_dir,
    load_settings,
    resolve_config_path,
)
from e621tui.settings.config_file import update_config

if TYPE_CHECKING:
    from e621tui.core.session import SessionOptions
    from e621tui.core.startup import StartTarget
    from e621tui.ui.graphics.setup import Graphics


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (the product contract in DESIGN.md)."""
    parser = argparse.ArgumentParser(
        prog="e621-tui",
        description="A keyboard-driven terminal browser for e621, e926 and other e621ng sites.",
        epilog="The API key comes from the E621_API_KEY environment variable or the stored "
        "credentials (log in with L inside the app), never from a command-line flag.",
    )
    parser.add_argument("query", nargs="*", help="tag query to search for")
    parser.add_argument(
        "--base-url", metavar="URL", help="any e621ng site (http:// only for loopback)"
    )
    parser.add_argument("--site", choices=sorted(SITES), help="e621 or e926 (safe)")
    parser.add_argument("--username", metavar="NAME", help="your account name")
    parser.add_argument("--config", metavar="PATH", type=Path, help="config file to use")
    parser.add_argument("--graphics", choices=GRAPHICS_MODES, help="how to draw images")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--pool", metavar="ID", type=int, help="open a pool")
    target.add_argument("--set", metavar="ID", type=int, dest="set_id", help="open a set")
    target.add_argument("--post", metavar="ID", type=int, help="open a post")
    target.add_argument(
        "--feed", action="store_true", help="open the feed of your followed tags' new posts"
    )
    target.add_argument(
        "--popular", choices=("day", "week", "month"), help="open today's / this week's / this "
        "month's popular posts",
    )  # fmt: skip
    parser.add_argument(
        "--demo", action="store_true", help="browse a bundled local demo site with a demo account"
    )
    parser.add_argument(
        "--doctor", action="store_true", help="show what the terminal can draw and why, then exit"
    )
    parser.add_argument("--version", action="version", version=f"e621-tui {__version__}")
    return parser


@dataclass
class Plan:
    """Everything decided before the app starts."""

    settings: Settings
    base_url: str
    username: str | None
    api_key: str | None
    site_label: str
    data: Path
    cache: Path
    notices: list[str]
    config_path: Path


def _site_label(settings: Settings, base_url: str) -> str:
    for name, url in SITES.items():
        if base_url == url:
            return name
    from urllib.parse import urlsplit

    return urlsplit(base_url).netloc or base_url


def plan(args: argparse.Namespace) -> Plan:
    """Resolve config file, flags, site and credentials into one plan (no network)."""
    from e621tui.settings.credentials import CredentialStore, api_key_from_env

    config_path = resolve_config_path(args.config)
    settings, notices = load_settings(config_path)
    settings = apply_overrides(
        settings,
        site=args.site,
        base_url=args.base_url,
        username=args.username,
        graphics=args.graphics,
    )
    if args.site and not args.base_url:
        settings.base_url = None
    base_url = check_base_url(settings.effective_base_url)
    username = settings.username
    api_key = api_key_from_env()
    if username and not api_key:
        api_key = CredentialStore().get(base_url, username)
    if api_key and not username:
        notices.append(
            "E621_API_KEY is set but no user name: use --username NAME (browsing anonymously)"
        )
        api_key = None
    return Plan(
        settings=settings,
        base_url=base_url,
        username=username,
        api_key=api_key,
        site_label=_site_label(settings, base_url),
        data=data_dir(),
        cache=cache_dir(),
        notices=notices,
        config_path=config_path,
    )


def _start_target(args: argparse.Namespace) -> StartTarget:
    from e621tui.core.startup import StartTarget

    if args.pool is not None:
        return StartTarget("pool", str(args.pool))
    if args.set_id is not None:
        return StartTarget("set", str(args.set_id))
    if args.post is not None:
        return StartTarget("post", str(args.post))
    if args.feed:
        return StartTarget("feed")
    if args.popular is not None:
        return StartTarget("popular", args.popular)
    return StartTarget("search", " ".join(args.query))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``e621-tui`` command."""
    from e621tui.api import tls

    tls.prepare()  # the CA bundle loads in a helper thread while the rest imports
    args = build_parser().parse_args(argv)
    if args.doctor:
        return _doctor(args)
    server = None
    tmp: tempfile.TemporaryDirectory[str] | None = None
    try:
        try:
            the_plan = plan(args)
        except (ConfigError, ValueError) as exc:
            print(f"e621-tui: {exc}", file=sys.stderr)
            return 2
        if args.demo:
            from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer

            server = DevServer(port=0, media=True, media_in_background=True).start()
            tmp = tempfile.TemporaryDirectory(prefix="e621-tui-demo-")
            the_plan.base_url = server.base_url
            the_plan.username = DEMO_USERNAME
            the_plan.api_key = DEMO_API_KEY
            the_plan.site_label = "demo"
            the_plan.data = Path(tmp.name) / "data"
            the_plan.cache = Path(tmp.name) / "cache"
        return run_app(the_plan, args)
    except KeyboardInterrupt:
        return 130
    finally:
        if server is not None:
            server.stop()
        if tmp is not None:
            tmp.cleanup()


def _doctor(args: argparse.Namespace) -> int:
    """``--doctor``: the terminal report (the config's ``graphics`` counts if the file loads)."""
    from e621tui.terminal import requested_mode
    from e621tui.terminal.doctor import run_doctor

    try:
        configured: str | None = load_settings(resolve_config_path(args.config))[0].graphics
    except (ConfigError, OSError, ValueError):
        configured = None
    return run_doctor(requested_mode(args.graphics, configured))


def _setup_graphics(args: argparse.Namespace, settings: Settings) -> Graphics:
    """Ask the terminal what it can draw (unless a mode is given), before Textual is imported:
    the probe owns the terminal until the app starts, and the colour system is chosen here."""
    from e621tui.terminal import requested_mode
    from e621tui.ui.graphics.setup import setup_graphics

    return setup_graphics(requested_mode(args.graphics, settings.graphics))


def run_app(the_plan: Plan, args: argparse.Namespace) -> int:
    """Build the session, start the first screen's requests, ask the terminal what it can
    draw, then Textual and the app.

    The first page, the login check and the first previews are on their way (`Session.begin`
    on a `Prelude` loop) while the terminal is probed and Python is still importing Textual
    and the UI; the app then runs that same loop and takes the work over.
    """
    from e621tui.settings.credentials import CredentialStore, register_secret

    settings = the_plan.settings
    if the_plan.api_key:
        register_secret(the_plan.api_key)
    _log_to_file(the_plan.cache / "e621-tui.log")

    from e621tui.core.images import PREVIEW_BOX
    from e621tui.core.session import Session, SessionOptions
    from e621tui.core.startup import EARLY_KINDS, Prelude

    options = SessionOptions(
        base_url=the_plan.base_url,
        username=the_plan.username,
        api_key=the_plan.api_key,
        page_size=settings.page_size,
        request_rate=settings.request_rate,
        safe_mode=settings.effective_safe_mode,
        local_blacklist=settings.blacklist,
        data_dir=the_plan.data,
        cache_dir=the_plan.cache,
        thumb_cache_mb=settings.thumb_cache_mb,
        site_name=the_plan.site_label,
    )
    _apply_download_settings(
        options, settings, demo_dir=the_plan.data.parent if args.demo else None,
        notices=the_plan.notices,
    )  # fmt: skip
    session = Session(options)
    start = _start_target(args)
    prelude = Prelude()
    try:
        if start.kind in EARLY_KINDS:
            visible = _visible_thumbnails()
            prelude.start(lambda: session.begin(start, preview_box=PREVIEW_BOX, visible=visible))

        graphics = _setup_graphics(args, settings)
        try:
            from e621tui.ui.app import E621App

            app = E621App(
                session,
                graphics=graphics,
                start=start,
                keymap=settings.keymap,
                site_label=the_plan.site_label,
                credentials=None if args.demo else CredentialStore(),
                settings=settings,
                save_config=None if args.demo else partial(_save_config, the_plan),
                notices=the_plan.notices,
            )
            app.run(loop=prelude.hand_over())
        finally:
            graphics.release()  # the terminal's own mode back, whatever happened
    finally:
        prelude.close()
    return 0


def _visible_thumbnails() -> int:
    """How many thumbnails the first screen shows (their previews are fetched first)."""
    from e621tui.ui.grid_layout import Geometry  # no Textual: only the arithmetic

    try:
        columns, rows = os.get_terminal_size()
    except OSError:
        columns, rows = 80, 24
    geometry = Geometry.fit(columns, rows - 3)  # the query line, the status bar, the footer
    return geometry.columns * geometry.rows


def _log_to_file(path: Path) -> None:
    """Warnings go to a small rotating file (the terminal belongs to the app), secrets redacted."""
    import logging
    from logging.handlers import RotatingFileHandler

    from e621tui.settings.credentials import SecretFilter

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=1, encoding="utf-8")
    except OSError:
        return  # an unwritable cache dir must not stop the app
    handler.addFilter(SecretFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _save_config(the_plan: Plan, **changes: object) -> None:
    """Only these keys change in the file (flags given on this run are not written)."""
    update_config(the_plan.config_path, **changes)


def _apply_download_settings(
    options: SessionOptions, settings: Settings, *, demo_dir: Path | None, notices: list[str]
) -> None:
    """Download folder and name templates (the demo keeps its files in its temporary dir).

    A template that cannot be used is reported as a notice and the default one is kept.
    """
    from e621tui.core.downloads import check_template

    if demo_dir is not None:
        options.download_dir = demo_dir / "downloads"
    elif settings.download_dir:
        options.download_dir = Path(settings.download_dir).expanduser()
    for key, text, default in (
        ("download_template", settings.download_template, options.download_template),
        ("pool_template", settings.pool_template, options.pool_template),
    ):
        if not text:
            continue
        problem = check_template(text)
        if problem is not None:
            notices.append(f"config {key}: {problem}; using the default {default}")
        elif key == "download_template":
            options.download_template = text
        else:
            options.pool_template = text


if __name__ == "__main__":
    raise SystemExit(main())
