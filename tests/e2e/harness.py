"""Drive the real ``e621-tui`` program in a real terminal (tmux) against a `DevServer`.

The server runs inside the test process, so a test can read its request log and state; the
program runs as ``python -m e621tui`` in a detached tmux session on a private tmux socket (never
the user's tmux server), with HOME, XDG dirs and the config path under the test's tmp_path.

    tui = Tui(tmp_path, width=160, height=50)
    tui.start(["fox"], base_url=srv.base_url)
    tui.wait_for(STATUS_ID)
    tui.send("Enter")
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer

TMUX = shutil.which("tmux")
#: A status bar line starts with the post id: `` #5120528  (all posts)  page 1 …``.
STATUS_ID = re.compile(r"^ ?#(\d+)\s", re.MULTILINE)
#: The marker the pane's shell prints when the program has ended.
EXITED = "E2E-EXITED"
POLL = 0.05


def require_tmux() -> None:
    """Skip the calling module without tmux, or fail when ``E621_TUI_REQUIRE_TMUX=1`` (CI)."""
    if TMUX is not None:
        return
    message = "tmux is not installed (apt-get install tmux)"
    if os.environ.get("E621_TUI_REQUIRE_TMUX") == "1":
        pytest.fail(f"{message}; E621_TUI_REQUIRE_TMUX=1 requires it", pytrace=False)
    pytest.skip(message, allow_module_level=True)


class ScreenError(AssertionError):
    """The screen showed something no screen may show (a traceback)."""


class Tui:
    """One program run in a tmux session on a private tmux server.

    Args:
        tmp_path: Holds the program's HOME (outbox, caches) and the raw output log.
        width: Terminal columns.
        height: Terminal rows.
    """

    def __init__(self, tmp_path: Path, *, width: int = 160, height: int = 50) -> None:
        assert TMUX is not None, "call require_tmux() first"
        self.tmp = tmp_path
        self.width = width
        self.height = height
        # A private tmux server whose socket lives (and is cleaned up) with the test's files;
        # a short name in tmux's own directory if the path is too long for a Unix socket.
        socket = tmp_path / "tmux.sock"
        if len(str(socket)) < 100:
            self.socket_args = ["-S", str(socket)]
        else:
            self.socket_args = ["-L", f"e621tui-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"]
        self.name = "app"
        self.home = tmp_path / "home"
        self.raw_log = tmp_path / "pane-output.raw"
        self.runs = 0
        self.target = ""
        self.traceback_seen = False
        self._server_started = False

    # ---- tmux ----------------------------------------------------------------------------

    def tmux(self, *args: str, check: bool = True) -> str:
        """Run a tmux command on the private server; its stdout."""
        assert TMUX is not None
        proc = subprocess.run(
            [TMUX, *self.socket_args, "-f", os.devnull, "-u", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The program's environment: private dirs, no config file, the demo API key."""
        home = self.home
        env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "E621_TUI_CONFIG": str(self.tmp / "config.toml"),
            "E621_API_KEY": DEMO_API_KEY,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "PATH": os.environ.get("PATH", os.defpath),
        }
        env.update(extra or {})
        return env

    def command(
        self,
        args: Sequence[str],
        *,
        base_url: str | None,
        env: dict[str, str] | None = None,
    ) -> str:
        """The shell command for the pane; it prints `EXITED` and stays when the program ends."""
        argv = [sys.executable, "-m", "e621tui"]
        environment = self.environment(env)
        if base_url is not None:
            argv += ["--base-url", base_url, "--username", DEMO_USERNAME]
        else:
            del environment["E621_API_KEY"]  # --demo brings its own account
        argv += ["--graphics", "halfcell", *args]
        assignments = [f"{k}={v}" for k, v in environment.items()]
        # A clean environment: the test runner's COLUMNS/LINES, TEXTUAL_* or E621_* variables
        # must not leak into the program.
        program = shlex.join(["env", "-i", *assignments, *argv])
        # The shell keeps the pane (and any traceback printed at exit) for the test to read.
        return f"{program}; echo {EXITED} $?; sleep 600"

    def start(
        self,
        args: Sequence[str] = (),
        *,
        base_url: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """Start the program (a new window after the first run, with the same HOME).

        Args:
            args: Program arguments after ``--graphics halfcell``.
            base_url: The devserver; also passes ``--username demo`` (the key is in the env).
            env: Extra environment variables.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        shell = self.command(args, base_url=base_url, env=env)
        self.runs += 1
        self.ensure_server()
        pipe = f"cat >> {shlex.quote(str(self.raw_log))}"
        target = f"{self.name}{self.runs}"
        # pipe-pane runs in the same tmux command as the session is made, long before the
        # program has imported anything, so the raw log holds every byte it writes.
        self.tmux(
            "new-session", "-d", "-s", target, "-x", str(self.width), "-y", str(self.height),
            "-c", str(self.tmp), shell, ";", "pipe-pane", "-o", "-t", target, pipe,
        )  # fmt: skip
        self.target = target

    def ensure_server(self) -> None:
        """Start the private tmux server (clipboard escapes off unless a test turns them on)."""
        if not self._server_started:
            self.tmux(
                "start-server", ";", "set-option", "-g", "exit-empty", "off",
                ";", "set-option", "-g", "set-clipboard", "off",
            )  # fmt: skip
            self._server_started = True

    def send(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``Escape``, ``Right``, ``C-p``, ``n``…)."""
        for key in keys:
            self.tmux("send-keys", "-t", self.target, "--", key)

    def type(self, text: str) -> None:
        """Type literal text."""
        self.tmux("send-keys", "-t", self.target, "-l", "--", text)

    def screen(self) -> str:
        """The visible screen as plain text; fails at once if it shows a traceback (or the
        program ended and printed one that scrolled out of view)."""
        text = self.tmux("capture-pane", "-p", "-t", self.target)
        try:
            check_screen(text)
            if EXITED in text:
                check_screen(self.history())
        except ScreenError:
            self.traceback_seen = True
            raise
        return text

    def history(self, target: str | None = None) -> str:
        """Everything the pane shows and has scrolled away, as plain text."""
        return self.tmux("capture-pane", "-p", "-S", "-", "-t", target or self.target)

    def check_all_panes(self) -> None:
        """Fail if any pane of this test, including scrolled-away lines, shows a traceback."""
        if self.traceback_seen:
            return  # already reported by the test itself
        panes = self.tmux("list-panes", "-a", "-F", "#{pane_id}", check=False).split()
        for pane in panes:
            check_screen(self.history(pane))

    def screen_escapes(self) -> str:
        """The visible screen with tmux's SGR colour sequences."""
        return self.tmux("capture-pane", "-p", "-e", "-t", self.target)

    def wait_for(
        self,
        what: str | re.Pattern[str] | Callable[[str], Any],
        timeout: float = 10.0,
        message: str = "",
    ) -> Any:
        """Poll the screen every 50 ms until ``what`` shows; return the match.

        Args:
            what: Text that must appear, a regex (returns its match) or a predicate of the
                screen text (returns its truthy result).
            timeout: Seconds before the test fails with the last screen.
            message: What was awaited, for the failure message.
        """
        deadline = time.monotonic() + timeout
        text = ""
        while True:
            text = self.screen()
            found: Any
            if isinstance(what, str):
                found = text if what in text else None
            elif isinstance(what, re.Pattern):
                found = what.search(text)
            else:
                found = what(text)
            if found:
                return found
            if time.monotonic() > deadline:
                label = message or (what if isinstance(what, str) else getattr(what, "pattern", ""))
                raise AssertionError(
                    f"timed out after {timeout:.1f}s waiting for {label!r}; screen:\n{text}"
                )
            time.sleep(POLL)

    def focus_search(self) -> None:
        """Press ``/`` and wait until the query box has the focus (the grid's keys leave the
        footer), so that the next keys are typed into it."""
        self.send("/")
        self.wait_for(lambda text: "Mark" not in footer(text), 5, "the search box to take focus")

    def search(self, query: str) -> None:
        """Type a query into the search box and submit it."""
        self.focus_search()
        self.type(query)
        self.wait_for(
            lambda text: any(query in line for line in text.split("\n")[:3]),
            5,
            f"{query!r} in the search box",
        )
        self.send("Enter")

    # ---- reading the status bar ----------------------------------------------------------

    def status_line(self, text: str | None = None) -> str:
        """The status bar (the line above the footer)."""
        lines = (self.screen() if text is None else text).rstrip("\n").split("\n")
        return lines[-2] if len(lines) >= 2 else ""

    def status_id(self, text: str | None = None) -> int | None:
        """The post id the status bar shows, if any."""
        match = STATUS_ID.search(self.status_line(text))
        return int(match.group(1)) if match else None

    def wait_status_id(
        self,
        accept: Callable[[int], bool] = lambda _id: True,
        timeout: float = 10.0,
        message: str = "",
    ) -> int:
        """Wait until the status bar shows a post id that ``accept`` takes; return it."""

        def shown(text: str) -> int | None:
            post_id = self.status_id(text)
            return post_id if post_id is not None and accept(post_id) else None

        result: int = self.wait_for(shown, timeout, message or "a #id in the status bar")
        return result

    # ---- processes -----------------------------------------------------------------------

    def pane_pid(self) -> int:
        """The pid of the pane's shell."""
        return int(self.tmux("display", "-p", "-t", self.target, "#{pane_pid}").strip())

    def app_pid(self) -> int:
        """The pid of the program (the python child of the pane's shell)."""
        shell = self.pane_pid()
        for _ in range(3):  # env execs python; look one level down at most a few times
            children = children_of(shell)
            for pid in children:
                if "python" in proc_comm(pid) or "e621tui" in proc_cmdline(pid):
                    return pid
            if not children:
                break
            shell = children[0]
        raise AssertionError(f"no program process under pane pid {self.pane_pid()}")

    def exited(self) -> bool:
        """True once the program has ended (the pane's shell printed the marker)."""
        return EXITED in self.screen()

    def raw_output(self) -> bytes:
        """Every byte the program wrote to the terminal so far."""
        return self.raw_log.read_bytes() if self.raw_log.exists() else b""

    def close(self) -> None:
        """Kill the private tmux server and everything running in it."""
        if self._server_started:
            self.tmux("kill-server", check=False)
            self._server_started = False


def footer(text: str) -> str:
    """The footer (the last line) of a screen."""
    return text.rstrip("\n").rsplit("\n", 1)[-1]


def check_screen(text: str) -> None:
    """No screen may ever show a Python traceback."""
    if "Traceback" in text:
        start = text.find("Traceback")
        raise ScreenError(f"the screen shows a traceback:\n{text[max(0, start - 200) :]}")


def children_of(pid: int) -> list[int]:
    """Child pids of ``pid`` (from /proc)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name is in parentheses and may contain spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def proc_comm(pid: int) -> str:
    """A process's command name, or ""."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def proc_cmdline(pid: int) -> str:
    """A process's command line, or ""."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_until(
    condition: Callable[[], Any], timeout: float = 10.0, message: str = "condition"
) -> Any:
    """Poll ``condition`` (e.g. on the devserver's request log) every 50 ms; return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {message}")
        time.sleep(POLL)


def visible_ids(srv: DevServer, post_ids: Sequence[int]) -> list[int]:
    """The ids of ``post_ids`` the demo user sees (the account's blacklist hides some)."""
    from e621tui.api.models import decode_post
    from e621tui.core.blacklist.rules import Blacklist
    from e621tui.devserver.common import Ctx
    from e621tui.devserver.render import post_json

    state = srv.state
    user = state.user(DEMO_USERNAME)
    assert user is not None
    blacklist = Blacklist.parse(user.blacklisted_tags)
    ctx = Ctx("GET", "/posts.json", {}, user, state, srv.base_url)
    with state.lock:
        posts = [decode_post(post_json(state.posts[i], ctx)) for i in post_ids if i in state.posts]
    return [post.id for post in posts if not blacklist.is_hidden(post)]


def toasts(text: str) -> list[str]:
    """The texts of the notifications (toasts) on a screen: blocks of lines behind a ``▌``."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        column = line.rfind("▌")
        part = line[column + 1 :].strip() if column >= 0 else None
        if part:
            current.append(part)
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks
