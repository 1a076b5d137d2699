"""The benchmark suite: one command, figures and ratios measured side by side, budgets checked.

    .venv/bin/python bench/run.py [--quick]

Starts one devserver (5,000 posts, the site's 2-per-second rule enforced) and runs, in tmux:
the first screen with thumbnails against a bare Textual app started the same way; page turns
at 80×24 and 160×50 (`n` every 1.2 s: time to the new #id and to the last output of the turn,
whether it waited on the network); bytes written to the terminal per turn for each graphics
mode; memory after 1/10/30/60 pages. Then import times against `textual.app`, requests and
time for listing 1,000 posts and a 600-post pool, and the worst 1 s window the server saw.
Absolute times are noisy on a shared machine; the ratios are measured within one run.
Not part of the tests: it asserts nothing, it prints PASS/FAIL lines for the budgets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import (
    Suite,
    TurnRun,
    api_figures,
    app_start,
    bare_start,
    core_memory,
    import_seconds,
    page_turns,
)
from e621tui.devserver import DevServer

BUDGETS = {
    "first_screen_ratio": 2.0,
    "turn_median_ms": 100.0,
    "turn_worst_ms": 300.0,
    "rss_30_mb": 160.0,
    "growth_mb_per_page": 0.3,
    "max_per_second": 2,
}


def ms(seconds: float | None) -> str:
    """Seconds as a short millisecond figure."""
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def verdict(ok: bool, text: str) -> str:
    """One budget line."""
    return f"{'PASS' if ok else 'FAIL'}  {text}"


def describe_turns(run: TurnRun) -> tuple[float, float]:
    """Print a turn run; return the median and worst drawn time in seconds."""
    turns = run.turns
    drawn = [t.drawn_after for t in turns]
    quiet = [t.quiet_after for t in turns]
    ids = [t.id_after for t in turns if t.id_after is not None]
    missing = sum(1 for t in turns if t.id_after is None)
    waited = sum(1 for t in turns if t.api_waits)
    fetching = sum(1 for t in turns if t.own_previews)
    print(
        f"  page turn {run.width}x{run.height} ({len(turns)} turns, {run.graphics}): "
        f"drawn median {ms(statistics.median(drawn))}, max {ms(max(drawn))}; "
        f"new #id median {ms(statistics.median(ids) if ids else None)}, "
        f"max {ms(max(ids) if ids else None)}"
        + (f"; {missing} turns showed no new #id within 1.1 s" if missing else "")
    )
    print(
        f"    last output of the turn (status, footer, off-screen cells): median "
        f"{ms(statistics.median(quiet))}, max {ms(max(quiet))}"
    )
    print(
        f"    waited on the network: {waited} of {len(turns)} turns requested their page; "
        f"{fetching} downloaded their own page's previews during the turn"
    )
    return statistics.median(drawn), max(drawn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and turns (a smoke run)")
    args = parser.parse_args()
    launches, long_turns, short_turns, mode_turns = (1, 12, 5, 3) if args.quick else (5, 59, 20, 5)
    rss_pages = (1, 10) if args.quick else (1, 10, 30, 60)
    os.environ.setdefault("TERM", "xterm-256color")
    started = time.monotonic()
    lines: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="e621-bench-") as tmp,
        DevServer(post_count=5000) as srv,
    ):
        suite = Suite(srv, Path(tmp))
        print(f"e621-tui benchmark suite against {srv.base_url} (python {sys.version.split()[0]})")

        print("\nfirst screen (anonymous, 120x40, cold caches), launch to thumbnails drawn:")
        bare, apps = [], []
        for _ in range(launches):  # alternated, so that drift hits all alike
            bare.append(bare_start(suite))
            apps.append(app_start(suite))
            time.sleep(1.3)  # a fresh rate window: the last run's requests must not delay this one
        bare_s = statistics.median(bare)
        app_s = statistics.median(a.total for a in apps)
        ratio = app_s / bare_s
        mid = sorted(apps, key=lambda a: a.total)[len(apps) // 2]
        print(f"  bare Textual app {ms(bare_s)}; e621-tui {ms(app_s)}; ratio {ratio:.2f}x")
        print(
            f"  runs: bare {', '.join(ms(b) for b in bare)}; "
            f"e621-tui {', '.join(ms(a.total) for a in apps)}"
        )
        print(
            f"  e621-tui timeline (median run): first API request {ms(mid.first_api)}, "
            f"first preview requested {ms(mid.first_preview)}, first #id {ms(mid.first_id)}, "
            f"thumbnails drawn {ms(mid.total)}"
        )
        lines.append(
            verdict(
                ratio <= BUDGETS["first_screen_ratio"], f"first screen {ratio:.2f}x bare (<= 2.0x)"
            )
        )

        print("\nimports (fresh interpreter, median):")
        textual_s = import_seconds("textual.app", 5)
        app_imports = import_seconds("e621tui.cli, e621tui.ui.app", 5)
        print(
            f"  textual.app {ms(textual_s)}; e621tui.cli + e621tui.ui.app {ms(app_imports)}; "
            f"ratio {app_imports / textual_s:.2f}x"
        )

        print("\npage turns (logged in, `n` every 1.2 s, prefetched):")
        small = page_turns(suite, 80, 24, short_turns)
        describe_turns(small)
        big = page_turns(suite, 160, 50, long_turns, rss_at=rss_pages)
        median, worst = describe_turns(big)
        lines.append(
            verdict(
                median * 1000 <= BUDGETS["turn_median_ms"],
                f"page turn median at 160x50 {ms(median)} (<= 100 ms)",
            )
        )
        lines.append(
            verdict(
                worst * 1000 <= BUDGETS["turn_worst_ms"],
                f"page turn worst at 160x50 {ms(worst)} (<= 300 ms)",
            )
        )
        waited = sum(1 for t in big.turns if t.api_waits or t.own_previews)
        lines.append(
            verdict(waited == 0, f"no turn waited on the network at 160x50 ({waited} did)")
        )

        print("\nbytes written to the terminal per page turn (160x50, median):")
        per_mode = {"halfcell": statistics.median(t.bytes_out for t in big.turns)}
        for mode in ("none", "sixel", "kitty"):
            run = page_turns(suite, 160, 50, mode_turns, graphics=mode)
            per_mode[mode] = statistics.median(t.bytes_out for t in run.turns)
        print("  " + "; ".join(f"{mode} {size / 1024:.0f} KiB" for mode, size in per_mode.items()))

        print("\nmemory (RSS of the app at 160x50):")
        print("  " + "; ".join(f"after page {p}: {mb:.0f} MB" for p, mb in sorted(big.rss.items())))
        if 30 in big.rss:
            lines.append(
                verdict(
                    big.rss[30] <= BUDGETS["rss_30_mb"],
                    f"RSS after 30 pages {big.rss[30]:.0f} MB (<= 160 MB)",
                )
            )
        if 10 in big.rss and 60 in big.rss:
            growth = (big.rss[60] - big.rss[10]) / 50
            lines.append(
                verdict(
                    growth <= BUDGETS["growth_mb_per_page"],
                    f"RSS growth pages 10-60 {growth:.2f} MB/page (<= 0.3)",
                )
            )

        core = core_memory(suite, max(rss_pages))
        print(
            "  the core alone (bench/core_memory.py: a Session paging and decoding previews, "
            "no UI): " + "; ".join(f"after page {p}: {mb:.0f} MB" for p, mb in sorted(core.items()))
        )
        if 10 in core and 60 in core:
            print(f"  core growth pages 10-60: {(core[60] - core[10]) / 50:.2f} MB/page")

        print("\nthe API (one client, through the scheduler):")
        (list_n, list_s), (pool_n, pool_s) = api_figures(suite)
        print(f"  list 1,000 posts: {list_n} requests, {list_s:.2f} s")
        print(f"  600-post pool in order: {pool_n} requests, {pool_s:.2f} s")

        worst_window = srv.max_requests_in_window(1.0)
        refused = sum(1 for r in srv.api_requests() if r.status == 503)
        print(
            f"\nworst 1 s window at the server over the whole suite: {worst_window} requests; "
            f"503s: {refused}"
        )
        lines.append(
            verdict(
                worst_window <= BUDGETS["max_per_second"] and not refused,
                f"never more than 2 requests in any 1 s (worst {worst_window})",
            )
        )

    print(f"\nbudgets (suite took {time.monotonic() - started:.0f} s):")
    for line in lines:
        print("  " + line)


if __name__ == "__main__":
    main()
