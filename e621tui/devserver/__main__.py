"""`python -m e621tui.devserver`: run the demo server in the foreground."""

from __future__ import annotations

import argparse
import threading

from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, OTHER_API_KEY, OTHER_USERNAME
from e621tui.devserver.faults import MODES
from e621tui.devserver.server import DevServer


def main(argv: list[str] | None = None) -> None:
    """Parse options, start the server and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m e621tui.devserver", description="Local e621ng-compatible demo server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=621)
    parser.add_argument("--posts", type=int, default=3000, help="number of ordinary posts")
    parser.add_argument("--hostile", action="store_true", help="add the hostile content set")
    parser.add_argument("--media", action="store_true", help="add posts whose files are real")
    parser.add_argument("--no-rate-limit", action="store_true", help="disable the 2 req/s rule")
    parser.add_argument("--fault", choices=sorted(MODES), help="start with this fault active")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    server = DevServer(
        args.host,
        args.port,
        seed=args.seed,
        post_count=args.posts,
        hostile=args.hostile,
        media=args.media,
        enforce_rate_limit=not args.no_rate_limit,
        verbose=args.verbose,
    ).start()
    if args.fault:
        server.faults.set(args.fault)
    print(f"e621 dev server: {server.base_url}", flush=True)
    print(f"  user {DEMO_USERNAME!r}, API key {DEMO_API_KEY!r}", flush=True)
    print(f"  user {OTHER_USERNAME!r}, API key {OTHER_API_KEY!r}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
