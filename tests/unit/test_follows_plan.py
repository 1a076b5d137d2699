"""Followed-tag queries: validation, planning within the 40-tag limit, marks on disk."""

from __future__ import annotations

import json
import math
import multiprocessing
from pathlib import Path

import pytest

from e621tui.core.follow_seen import FILE_NAME, SeenStore
from e621tui.core.follows import (
    FollowQuery,
    counted_terms,
    exclusions,
    follow_problem,
    plan_queries,
    split_follows,
)


def test_follow_problems_say_why() -> None:
    assert follow_problem("Red Fox") is None
    assert follow_problem("fox*") is None
    assert follow_problem(":3") is None  # a real tag, not a metatag
    assert follow_problem("") == "an empty tag cannot be followed"
    assert "leading - or ~" in (follow_problem("-fox") or "")
    assert "leading - or ~" in (follow_problem("~fox") or "")
    assert "metatags like order:" in (follow_problem("order:score") or "")
    assert "wildcard needs some letters" in (follow_problem("**") or "")
    accepted, refused = split_follows(["Fox", "fox", "wolf", "rating:s", "dragon*"])
    assert accepted == ["fox", "wolf", "dragon*"] and list(refused) == ["rating:s"]


def test_counted_terms_follow_the_site() -> None:
    assert counted_terms(["rating:s", "rating:safe", "limit:5", "status:deleted"]) == 0
    assert counted_terms(["-status:deleted", "-spiders", "rating:q", "-rating:s"]) == 3
    assert counted_terms(["", "  "]) == 0


@pytest.mark.parametrize("count", [1, 10, 39, 40, 41, 100, 160, 500])
def test_plan_size_and_limit(count: int) -> None:
    tags = [f"tag{i:03d}" for i in range(count)]
    queries = plan_queries(tags, lambda t: None, room=40)
    assert len(queries) == math.ceil(count / 40)
    assert sorted(t for q in queries for t in q.tags) == sorted(tags)
    for query in queries:
        param = query.tags_param(["-spiders", "rating:s"])
        assert counted_terms(param.split()) <= 41  # 40 OR terms + the exclusion
        assert all(term.startswith("~") for term in param.split()[: len(query.tags)])


def test_marked_and_unmarked_tags_never_share_a_query() -> None:
    marks = {f"seen{i}": 1000 + i for i in range(50)}
    tags = [*marks, *(f"new{i}" for i in range(50))]
    queries = plan_queries(tags, marks.get, room=40)
    assert len(queries) <= math.ceil(100 / 40) + 1
    for query in queries:
        kinds = {t.startswith("seen") for t in query.tags}
        assert len(kinds) == 1
        if query.cursor is not None:
            assert query.cursor == min(marks[t] for t in query.tags)
    # marked tags are grouped by their marks: the first query holds the oldest ones
    marked = [q for q in queries if q.cursor is not None]
    assert marked[0].tags == tuple(sorted(marks, key=marks.__getitem__)[:40])


def test_wildcards_go_alone_and_stay_plain() -> None:
    queries = plan_queries(["fox", "ember_*", "wolf"], lambda t: 7 if t == "ember_*" else None)
    assert FollowQuery(("ember_*",), 7, wildcard=True) in queries
    wildcard = next(q for q in queries if q.wildcard)
    assert wildcard.tags_param(["-spiders"]) == "ember_* -spiders"
    plain = next(q for q in queries if not q.wildcard)
    assert plain.tags_param() == "~fox ~wolf"
    with pytest.raises(ValueError):
        plan_queries(["fox"], lambda t: None, room=0)


def test_exclusions_come_from_one_tag_lines_only() -> None:
    keys = ["spiders", "rating:e tagme", "snow -winter", "gore", "-x", "web*", "blood", "x", "y"]
    assert exclusions(keys, 3) == ("-spiders", "-gore", "-blood")
    assert exclusions(keys, 0) == ()


def test_seen_marks_move_forward_and_survive_restarts(tmp_path: Path) -> None:
    store = SeenStore.in_dir(tmp_path, "e621.net")
    assert store.get("fox") is None
    store.mark({"fox": 10, "wolf": 5})
    store.mark({"fox": 3, "wolf": 8})
    assert store.marks() == {"fox": 10, "wolf": 8}
    again = SeenStore.in_dir(tmp_path, "e621.net")
    assert again.marks() == {"fox": 10, "wolf": 8}
    other_site = SeenStore.in_dir(tmp_path, "e926.net")
    other_site.mark({"fox": 1})
    assert SeenStore.in_dir(tmp_path, "e621.net").get("fox") == 10
    again.forget(["wolf"])
    assert SeenStore.in_dir(tmp_path, "e621.net").marks() == {"fox": 10}
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o777 == 0o600


def test_seen_marks_of_two_instances_merge(tmp_path: Path) -> None:
    one = SeenStore.in_dir(tmp_path, "e621.net")
    two = SeenStore.in_dir(tmp_path, "e621.net")
    one.mark({"fox": 10})
    two.mark({"wolf": 20})  # two never reloaded: it must not drop fox
    assert SeenStore.in_dir(tmp_path, "e621.net").marks() == {"fox": 10, "wolf": 20}


def _mark_many(args: tuple[str, int]) -> None:
    folder, worker = args
    store = SeenStore.in_dir(Path(folder), "e621.net")
    for n in range(25):
        store.mark({f"w{worker}_{n}": n + 1})


def test_seen_marks_survive_concurrent_processes(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_mark_many, [(str(tmp_path), w) for w in range(4)])
    marks = SeenStore.in_dir(tmp_path, "e621.net").marks()
    assert len(marks) == 100 and marks["w3_24"] == 25


def test_corrupt_or_odd_mark_files_start_afresh(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text("{not json")
    store = SeenStore.in_dir(tmp_path, "e621.net")
    assert store.marks() == {}
    assert (tmp_path / (FILE_NAME + ".corrupt")).exists()
    store.mark({"fox": 4})
    assert SeenStore.in_dir(tmp_path, "e621.net").marks() == {"fox": 4}
    path.write_text(json.dumps({"sites": {"e621.net": {"fox": "x", "wolf": -1, "ok": 3,
                                                       "bool": True}}}))  # fmt: skip
    assert SeenStore.in_dir(tmp_path, "e621.net").marks() == {"ok": 3}
    path.write_text("[1, 2]")
    assert SeenStore.in_dir(tmp_path, "e621.net").marks() == {}
    memory = SeenStore(None, "e621.net")
    memory.mark({"fox": 2})
    assert memory.get("fox") == 2
