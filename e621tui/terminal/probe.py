"""The terminal probe: environment hints, then one batch of queries and one read.

Run once, before the app starts (Textual's input thread would otherwise take the answers):

    result = probe(hold=True)     # terminal left quiet (no echo) for the app to take over
    try:
        app.run()
    finally:
        result.release()          # the user's terminal mode back, late answers discarded

Inside tmux the queries for the outer terminal travel through tmux's passthrough
(``ESC P tmux; … ESC \\``) when ``allow-passthrough`` is on; tmux itself answers a plain DA1,
which also says whether tmux carries sixel. What arrives after the read (a slow link) is read
and discarded before returning, and `ProbeResult.outstanding_da1` tells the app's input filter
how many answers may still come.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from e621tui.terminal.env import EnvHints
from e621tui.terminal.queries import DA1, QUERIES, Answers, count_da1, parse_answers, tmux_wrap
from e621tui.terminal.tty import Attrs, TtyChannel, TtyError, restore_attrs, window_size

#: Seconds to wait for the DA1 sentinel; more if answers are arriving when it expires.
TIMEOUT = 1.0
GRACE = 0.5
_TMUX_FORMAT = (
    "#{version}\t#{allow-passthrough}\t#{client_termname}\t#{client_termtype}"
    "\t#{client_termfeatures}"
)


@dataclass(frozen=True)
class TmuxInfo:
    """What tmux says about itself and the terminal it runs in.

    Attributes:
        version: tmux's version (``3.3a``).
        passthrough: ``allow-passthrough`` for this pane: ``on``, ``all``, ``off`` or ``""``.
        client_termname: The outer terminal's TERM (``xterm-kitty``).
        client_termtype: The outer terminal as tmux identified it (``kitty(0.26.5)``).
        client_features: tmux's terminal features for the client (``sixel``, ``RGB``…).
        error: Why tmux could not be asked (empty when it answered).
    """

    version: str = ""
    passthrough: str = ""
    client_termname: str = ""
    client_termtype: str = ""
    client_features: tuple[str, ...] = ()
    error: str = ""

    @property
    def version_tuple(self) -> tuple[int, ...]:
        """``3.3a`` → ``(3, 3)``."""
        return version_tuple(self.version)

    @property
    def passthrough_on(self) -> bool | None:
        """True/False when known; None when tmux could not be asked."""
        if self.error:
            return None
        if self.passthrough in ("on", "all", "1", "2"):
            return True
        if self.passthrough in ("off", "0"):
            return False
        # tmux < 3.3 has no such option and always passes DCS through.
        return bool(self.version) and self.version_tuple < (3, 3)


def version_tuple(text: str) -> tuple[int, ...]:
    """The leading dotted numbers of a version string (``0.26.5`` → ``(0, 26, 5)``)."""
    parts: list[int] = []
    for piece in text.split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):
            break
    return tuple(parts)


TmuxRunner = Callable[[Sequence[str]], str]


def run_tmux(args: Sequence[str]) -> str:
    """Run ``tmux ARGS`` against the server this process runs in; its stdout."""
    proc = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=2.0, check=False)
    if proc.returncode != 0:
        raise OSError(proc.stderr.strip() or f"tmux exited with {proc.returncode}")
    return proc.stdout


def tmux_info(env: EnvHints, run: TmuxRunner = run_tmux) -> TmuxInfo:
    """Ask tmux about itself (a local command: no terminal round trip)."""
    args = ["display-message", "-p"]
    if env.tmux_pane:
        args += ["-t", env.tmux_pane]
    try:
        line = run([*args, _TMUX_FORMAT]).rstrip("\n")
    except (OSError, subprocess.SubprocessError) as exc:
        return TmuxInfo(version=env.term_program_version, error=str(exc) or type(exc).__name__)
    fields = [*line.split("\t"), "", "", "", "", ""][:5]
    version = fields[0] or env.term_program_version
    features = tuple(f for f in fields[4].split(",") if f)
    return TmuxInfo(version, fields[1], fields[2], fields[3], features)


@dataclass
class ProbeResult:
    """Everything the probe learnt.

    Attributes:
        env: The environment hints.
        tmux: What tmux said (None outside tmux).
        sent: Every byte written, as text.
        received: Every byte that came back (including what was discarded late).
        answers: The parsed answers of the terminal that draws (the outer one inside tmux).
        tmux_da1: tmux's own DA1 answer (inside tmux).
        via_passthrough: The queries for the terminal went through tmux passthrough.
        winsize: (columns, rows, width px, height px) of the terminal (or tmux pane).
        elapsed: Seconds from the write to the end of the read.
        complete: Every expected DA1 answer arrived.
        expected_da1: How many DA1 answers were asked for.
        error: Why there was no probe (no terminal…), empty otherwise.
        skipped: The probe was not run (an explicit mode, or no terminal).
    """

    env: EnvHints
    tmux: TmuxInfo | None = None
    sent: str = ""
    received: str = ""
    answers: Answers = field(default_factory=Answers)
    tmux_da1: tuple[int, ...] | None = None
    via_passthrough: bool = False
    winsize: tuple[int, int, int, int] = (0, 0, 0, 0)
    elapsed: float = 0.0
    complete: bool = False
    expected_da1: int = 0
    error: str = ""
    skipped: bool = False
    _hold: _Hold | None = field(default=None, repr=False)

    @property
    def terminal_da1(self) -> tuple[int, ...] | None:
        """The DA1 answer of the terminal that draws (None when it did not answer)."""
        da1 = self.answers.da1
        if self.tmux is not None:
            return da1[1] if len(da1) > 1 else None
        return da1[0] if da1 else None

    @property
    def outstanding_da1(self) -> int:
        """DA1 answers still to come (the app's input filter waits for them)."""
        return max(0, self.expected_da1 - len(self.answers.da1))

    def release(self) -> None:
        """Give the terminal its original mode back (after the app ran)."""
        if self._hold is not None:
            self._hold.release()
            self._hold = None


class _Hold:
    """A terminal kept quiet after the probe; restored on `release` or at exit."""

    def __init__(self, channel: TtyChannel, saved: Attrs) -> None:
        self.channel = channel
        self.saved = saved
        self.released = False
        atexit.register(self.release)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        self.channel.drain(settle=0.0)
        restore_attrs(self.channel.fd, self.saved)
        self.channel.close(restore=False)
        atexit.unregister(self.release)


def plan_queries(env: EnvHints, tmux: TmuxInfo | None) -> tuple[str, int, bool]:
    """(bytes to write, DA1 answers to wait for, through passthrough?)."""
    direct = "".join(query for _, query in QUERIES)
    if tmux is None:
        return direct, 1, False
    if tmux.passthrough_on is False:
        return DA1, 1, False  # only tmux can answer
    # Passthrough on (or tmux could not say): the outer terminal's answers come after
    # tmux's own DA1 answer, so wait for two.
    wrapped = "".join(tmux_wrap(query) for _, query in QUERIES)
    return wrapped + DA1, 2, True


def probe(
    env: EnvHints | None = None,
    *,
    timeout: float = TIMEOUT,
    tty_path: str = "/dev/tty",
    fd: int | None = None,
    tmux_runner: TmuxRunner = run_tmux,
    hold: bool = False,
) -> ProbeResult:
    """Ask the terminal what it can draw (see the module docstring).

    Args:
        env: Environment hints (read from ``os.environ`` by default).
        timeout: Seconds to wait for the DA1 sentinel(s).
        tty_path: The terminal device.
        fd: An open terminal descriptor to use instead of ``tty_path`` (tests).
        tmux_runner: Runs tmux commands (tests pass a fake).
        hold: Keep echo off after the probe until `ProbeResult.release` (for the app).
    """
    env = env or EnvHints.from_environ()
    tmux = tmux_info(env, tmux_runner) if env.in_tmux else None
    if env.screen and not env.in_tmux:
        return ProbeResult(env, error="GNU screen: not probed", skipped=True)
    try:
        channel = TtyChannel(tty_path, fd=fd)
    except TtyError as exc:
        return ProbeResult(env, tmux=tmux, error=str(exc), skipped=True)
    result = ProbeResult(env, tmux=tmux)
    try:
        result.winsize = window_size(channel.fd)
        query, expected, wrapped = plan_queries(env, tmux)
        result.sent, result.expected_da1, result.via_passthrough = query, expected, wrapped
        start = time.monotonic()
        channel.write(query.encode())
        data, complete = channel.read_until(
            lambda buf: count_da1(buf.decode("utf-8", "replace")) >= expected,
            timeout,
            grace=GRACE,
        )
        result.elapsed = time.monotonic() - start
        data += channel.drain()
        result.received = data.decode("utf-8", "replace")
        result.answers = parse_answers(result.received)
        result.complete = complete or result.outstanding_da1 == 0
        if tmux is not None and result.answers.da1:
            result.tmux_da1 = result.answers.da1[0]
    except BaseException:
        channel.close()
        raise
    if hold:
        result._hold = _Hold(channel, channel.saved)
    else:
        channel.close()
    return result


def skipped(env: EnvHints | None = None, reason: str = "") -> ProbeResult:
    """A result for when the probe is not run (an explicit mode)."""
    return ProbeResult(env or EnvHints.from_environ(), error=reason, skipped=True)


def stdin_is_terminal() -> bool:
    """Both ends of the app are a terminal (otherwise there is nothing to probe)."""
    try:
        return os.isatty(0) and os.isatty(1)
    except (OSError, ValueError):
        return False


__all__ = [
    "GRACE",
    "TIMEOUT",
    "ProbeResult",
    "TmuxInfo",
    "plan_queries",
    "probe",
    "run_tmux",
    "skipped",
    "stdin_is_terminal",
    "tmux_info",
    "version_tuple",
]
