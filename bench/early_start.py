"""e621-tui started the way cli.py should start it: the first page and its previews requested
while Textual is still importing (`Session.begin` in a `Prelude`, then ``App.run(loop=...)``).

The suite runs it next to the real ``python -m e621tui`` to show what the wiring buys; it is
`e621tui.cli.main` with `run_app` replaced, and goes away once cli.py does this itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from e621tui.api import tls

tls.prepare()  # first thing: the CA bundle loads while the rest imports

import e621tui.cli as cli  # noqa: E402


def run_app(the_plan: cli.Plan, args: Any) -> int:
    """`cli.run_app`, reordered: session and early start first, Textual after."""
    from e621tui.settings.credentials import CredentialStore, register_secret

    settings = the_plan.settings
    if the_plan.api_key:
        register_secret(the_plan.api_key)
    cli._log_to_file(the_plan.cache / "e621-tui.log")

    from e621tui.core.session import Session, SessionOptions
    from e621tui.core.startup import Prelude, StartTarget

    session = Session(
        SessionOptions(
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
    )
    if args.pool is not None:
        target = StartTarget("pool", str(args.pool))
    elif args.set_id is not None:
        target = StartTarget("set", str(args.set_id))
    elif args.post is not None:
        target = StartTarget("post", str(args.post))
    else:
        target = StartTarget("search", " ".join(args.query))
    columns, rows = os.get_terminal_size()
    visible = max(1, columns // 20) * max(1, (rows - 4) // 11)  # grid.CELL_WIDTH, CELL_HEIGHT
    prelude = Prelude()
    prelude.start(lambda: session.begin(target, preview_box=(256, 256), visible=visible))

    graphics = cli._setup_graphics(args, settings)
    from e621tui.ui.app import E621App

    app = E621App(
        session,
        graphics=graphics,
        start=cli._start_target(args),
        keymap=settings.keymap,
        site_label=the_plan.site_label,
        download_dir=Path(settings.download_dir).expanduser() if settings.download_dir else None,
        credentials=None if args.demo else CredentialStore(),
        notices=the_plan.notices,
    )
    try:
        app.run(loop=prelude.hand_over())
    finally:
        graphics.release()
        prelude.close()
    return 0


if __name__ == "__main__":
    cli.run_app = run_app
    raise SystemExit(cli.main(sys.argv[1:]))
