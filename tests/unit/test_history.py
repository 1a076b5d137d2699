"""Search history (on disk, shared by instances) and saved searches (a pure value)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from e621tui.core.history import (
    FILE_NAME,
    SavedSearches,
    SearchHistory,
    fuzzy_score,
    saved_search_problem,
)


def test_most_recent_first_deduplicated_and_capped(tmp_path: Path) -> None:
    history = SearchHistory.in_dir(tmp_path, cap=3)
    for query in ("fox", "wolf  outside", "  ", "FOX", "dragon", "cat"):
        history.add(query)
    assert history.entries() == ["cat", "dragon", "FOX"]
    history.add("Wolf outside")
    assert history.entries() == ["Wolf outside", "cat", "dragon"]
    assert SearchHistory.in_dir(tmp_path, cap=3).entries() == ["Wolf outside", "cat", "dragon"]
    history.remove("CAT")
    assert history.entries() == ["Wolf outside", "dragon"]
    history.clear()
    assert SearchHistory.in_dir(tmp_path).entries() == []


def test_a_search_survives_a_restart(tmp_path: Path) -> None:
    SearchHistory.in_dir(tmp_path).add("fox rating:s")
    restarted = SearchHistory.in_dir(tmp_path)
    cursor = restarted.cursor("")
    assert cursor.older() == "fox rating:s"


def test_up_and_down_walk_matching_entries(tmp_path: Path) -> None:
    history = SearchHistory(None)
    for query in ("fox", "wolf", "fox outside", "dragon", "fox night"):
        history.add(query)
    cursor = history.cursor("fox")
    assert [cursor.older(), cursor.older(), cursor.older(), cursor.older()] == [
        "fox night", "fox outside", "fox", None,
    ]  # fmt: skip
    assert cursor.newer() == "fox outside"
    assert cursor.newer() == "fox night"
    assert cursor.newer() == "fox"  # back to what was typed
    assert cursor.newer() == "fox"
    assert history.matching("DR") == ["dragon"]


def test_fuzzy_recall(tmp_path: Path) -> None:
    history = SearchHistory(None)
    for query in ("red_panda outside", "wolf rating:s", "fox night sky", "dragon"):
        history.add(query)
    assert history.fuzzy("rpanda")[0] == "red_panda outside"
    assert history.fuzzy("fx sky") == ["fox night sky"]
    assert history.fuzzy("zzz") == []
    assert history.fuzzy("")[:2] == ["dragon", "fox night sky"]  # everything, newest first
    assert fuzzy_score("abc", "a_b_c") is not None and fuzzy_score("abc", "acb") is None
    assert (fuzzy_score("fox", "fox") or 0) > (fuzzy_score("fox", "f_o_x_extra") or 0)


def test_corrupt_history_starts_afresh(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("\x00garbage")
    history = SearchHistory.in_dir(tmp_path)
    assert history.entries() == []
    history.add("fox")
    assert SearchHistory.in_dir(tmp_path).entries() == ["fox"]
    (tmp_path / FILE_NAME).write_text('{"searches": [1, {"query": 5}, {"query": "ok", "at": "x"}]}')
    assert SearchHistory.in_dir(tmp_path).entries() == ["ok"]


def _add_many(args: tuple[str, int]) -> None:
    folder, worker = args
    history = SearchHistory.in_dir(Path(folder))
    for n in range(20):
        history.add(f"worker{worker} query{n}")


def test_concurrent_instances_keep_every_search(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_add_many, [(str(tmp_path), w) for w in range(4)])
    entries = SearchHistory.in_dir(tmp_path).entries()
    assert len(entries) == 80 and len(set(entries)) == 80


def test_saved_searches_are_a_value() -> None:
    saved = SavedSearches.from_mapping(
        {"Foxes": "fox  rating:s", "": "x", "bad": 3, "Night": "night sky", "empty": " "}
    )
    assert saved.to_dict() == {"Foxes": "fox rating:s", "Night": "night sky"}
    more = saved.with_search("Dragons", "dragon")
    assert saved.names() == ["Foxes", "Night"] and more.names() == ["Foxes", "Night", "Dragons"]
    replaced = more.with_search("foxes", "fox order:score")
    assert replaced.names() == ["foxes", "Night", "Dragons"]
    assert replaced.get("FOXES") == "fox order:score"
    assert replaced.name_for("Fox   order:score") == "foxes"
    assert replaced.without("night").names() == ["foxes", "Dragons"]
    assert replaced.renamed("Dragons", "Wyrms").get("wyrms") == "dragon"
    with pytest.raises(ValueError, match="already exists"):
        replaced.renamed("Dragons", "night")
    with pytest.raises(ValueError, match="empty search"):
        saved.with_search("x", "   ")
    with pytest.raises(ValueError, match="control"):
        saved.with_search("a\x1b[2Jb", "fox")
    assert saved_search_problem("x" * 61) is not None
    assert more.find("drg") == [("Dragons", "dragon")]
    assert more.find("sky") == [("Night", "night sky")]
