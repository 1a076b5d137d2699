"""Packaging: layering (no textual below the UI), the command line contract, the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from e621tui import __version__

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_OPTIONS = (
    "--base-url",
    "--site",
    "--username",
    "--config",
    "--graphics",
    "--pool",
    "--set",
    "--post",
    "--demo",
    "--version",
)
HEADLESS_MODULES = (
    "e621tui.api",
    "e621tui.api.client",
    "e621tui.core.session",
    "e621tui.core.images.pipeline",
    "e621tui.core.writes.outbox",
    "e621tui.core.blacklist.rules",
    "e621tui.devserver",
)


def _run(args: list[str], timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    # The autouse fixture already points HOME/XDG_* and E621_TUI_CONFIG at a temporary home.
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT, check=False
    )


def _console_script() -> Path:
    bin_dir = Path(sys.executable).parent
    for name in ("e621-tui", "e621-tui.exe"):
        if (bin_dir / name).exists():
            return bin_dir / name
    pytest.fail(f"the e621-tui console script is not installed next to {sys.executable}")


# ---- layering --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_headless_layers_never_import_textual(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print('TEXTUAL' if bad else 'CLEAN', *bad[:5])\n"
    )
    result = _run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CLEAN"), f"{module} pulls in textual: {result.stdout}"


def test_all_headless_layers_together_never_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {HEADLESS_MODULES!r}: importlib.import_module(m)\n"
        "print('textual' in sys.modules)\n"
    )
    result = _run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# ---- command line ----------------------------------------------------------------------------


def test_python_m_version() -> None:
    result = _run([sys.executable, "-m", "e621tui", "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"e621-tui {__version__}"


def test_console_script_version() -> None:
    result = _run([str(_console_script()), "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"e621-tui {__version__}"


def test_help_lists_the_contract_and_no_api_key_flag() -> None:
    result = _run([str(_console_script()), "--help"])
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for option in CONTRACT_OPTIONS:
        assert option in text, f"--help does not mention {option}"
    assert "--api-key" not in text and "--key" not in text
    assert "E621_API_KEY" in text  # where the key comes from instead


def test_api_key_flag_is_refused() -> None:
    result = _run([sys.executable, "-m", "e621tui", "--api-key", "secret123"])
    assert result.returncode == 2
    assert "secret123" not in result.stdout


def test_plain_http_base_url_exits_2_with_a_clear_message() -> None:
    result = _run([sys.executable, "-m", "e621tui", "--base-url", "http://example.com"])
    assert result.returncode == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("e621-tui:")
    assert "http://" in message and "example.com" in message and "loopback" in message
    assert "Traceback" not in result.stderr


# ---- the wheel -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # --no-isolation: the build backend (hatchling) is installed; tests never use the network.
    result = _run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), "."],
        timeout=120,
    )
    if result.returncode != 0:
        pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        result = _run([*pip, "--no-index", "-w", str(out), "."], timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (built,) = out.glob("e621_tui-*.whl")
    return built


def test_wheel_contains_every_stylesheet(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    styles = sorted(f"e621tui/styles/{p.name}" for p in (ROOT / "styles").glob("*.tcss"))
    assert styles, "no .tcss files in the source tree?"
    missing = [s for s in styles if s not in names]
    assert not missing, f"stylesheets missing from the wheel: {missing}"


def test_wheel_contains_the_devserver(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "e621tui/devserver").glob("*.py")
    )
    assert "e621tui/devserver/__init__.py" in sources
    missing = [s for s in sources if s not in names]
    assert not missing, f"devserver modules missing from the wheel: {missing}"


def test_wheel_declares_the_console_script_and_version(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "e621-tui = e621tui.cli:main" in text
    assert f"-{__version__}-" in wheel.name or __version__ == "0.0.0+source"
    assert not [n for n in archive.namelist() if n.startswith("tests/")]


_STARTS_WITH_STYLES = """
import asyncio, sys
site, repo = sys.argv[1], sys.argv[2]
sys.path[:] = [site] + [p for p in sys.path if p.rstrip("/") != repo.rstrip("/")]
import e621tui
assert e621tui.__file__.startswith(site), e621tui.__file__
from e621tui.ui.styles import styles_dir
print("STYLES", styles_dir())
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.dialogs.confirm import ConfirmDialog

async def main() -> None:
    with DevServer() as server:
        session = Session(SessionOptions(base_url=server.base_url))
        app = E621App(session, graphics="none", start=StartTarget("search", ""))
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                grids = app.screen.query("PostGrid")
                if grids and grids.first().items:
                    break
            grid = app.screen.query_one("PostGrid")
            print("GRID", grid.styles.min_height)
            app.push_screen(ConfirmDialog("Sure?"))
            await pilot.pause(0.2)
            frame = app.screen.query_one(".dialog")
            print("DIALOG", frame.styles.width)

asyncio.run(main())
"""


def test_the_installed_wheel_starts_with_its_styles(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # what pip puts in site-packages
    result = _run(
        [sys.executable, "-I", "-c", _STARTS_WITH_STYLES, str(site), str(ROOT)], timeout=90
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["STYLES"] == str(site / "e621tui" / "styles")
    assert lines["GRID"] == "7"  # styles/app.tcss: PostGrid { min-height: 7; }
    assert lines["DIALOG"] == "60"  # styles/dialogs.tcss: ConfirmDialog > .dialog { width: 60; }


def test_the_source_tree_reads_the_top_level_styles() -> None:
    from e621tui.ui.styles import styles_dir

    assert styles_dir() in (ROOT / "styles", ROOT / "e621tui" / "styles")
    assert (styles_dir() / "app.tcss").read_text() == (ROOT / "styles" / "app.tcss").read_text()
