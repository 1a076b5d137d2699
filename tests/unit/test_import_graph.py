"""The package has no import cycle, counting imports inside functions (scripts/import_cycles.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_cycles", ROOT / "scripts/import_cycles.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_cycles"] = module
    spec.loader.exec_module(module)
    return module


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_the_package_has_no_import_cycle() -> None:
    checker = _checker()
    graph = checker.import_graph(ROOT / "e621tui")
    assert "e621tui.ui.app" in graph and "e621tui.core.session" in graph["e621tui.ui.app"]
    assert checker.cycles(graph) == []


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    checker = _checker()
    root = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "def f():\n    from pkg.c import x\n    return x\n",
            "pkg/c.py": "import pkg.a\nx = 1\n",
        },
    )
    assert checker.cycles(checker.import_graph(root)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_type_checking_imports_and_relative_imports(tmp_path: Path) -> None:
    checker = _checker()
    root = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "from .low import thing\n",
            "pkg/sub/low.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg.high import H\n"
                "thing = 1\n"
            ),
            "pkg/high.py": "from pkg.sub import low\nfrom .sub import thing\nH = 1\n",
        },
    )
    graph = checker.import_graph(root)
    assert graph["pkg.high"] == {"pkg.sub.low", "pkg.sub"}
    assert graph["pkg.sub"] == {"pkg.sub.low"}
    assert graph["pkg.sub.low"] == set()  # the TYPE_CHECKING import never runs
    assert checker.cycles(graph) == []
