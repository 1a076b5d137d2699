"""Search history (every search run, in the data dir) and saved searches (a value the config keeps).

History: most recent first, one entry per query (compared without case or extra spaces),
capped, safe against a corrupt file and against several instances writing at once (each
write merges with what is on disk under a lock). Recall by prefix (``cursor`` walks entries
starting with what is typed, as shells do with Up/Down) or fuzzily (``fuzzy``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from e621tui.core import jsonfile

FILE_NAME = "search_history.json"
VERSION = 1
DEFAULT_CAP = 500
MAX_QUERY_CHARS = 2000
MAX_NAME_CHARS = 60


def normalize_query(query: str) -> str:
    """A query with single spaces between its terms."""
    return " ".join(query.split())


def _key(query: str) -> str:
    return normalize_query(query).lower()


@dataclass(frozen=True)
class HistoryEntry:
    """One remembered search."""

    query: str
    at: float
    """When it was last run (seconds since the epoch)."""


def _parse(data: Any) -> list[HistoryEntry]:
    items = data.get("searches") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    out: list[HistoryEntry] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            continue
        query = normalize_query(item["query"])[:MAX_QUERY_CHARS]
        at = item.get("at")
        stamp = float(at) if isinstance(at, int | float) and not isinstance(at, bool) else 0.0
        if query and _key(query) not in seen:
            seen.add(_key(query))
            out.append(HistoryEntry(query, stamp))
    return out


def _dump(entries: list[HistoryEntry]) -> dict[str, Any]:
    return {"version": VERSION, "searches": [{"query": e.query, "at": e.at} for e in entries]}


class SearchHistory:
    """The searches you ran, newest first (memory only without a path).

    Args:
        path: The JSON file.
        cap: How many searches to keep.
    """

    def __init__(self, path: Path | None, cap: int = DEFAULT_CAP) -> None:
        self.path = path
        self.cap = max(1, cap)
        self._entries: list[HistoryEntry] = []
        self.reload()

    @classmethod
    def in_dir(cls, data_dir: Path | None, cap: int = DEFAULT_CAP) -> SearchHistory:
        """The history in a data dir (memory only when there is none)."""
        return cls(data_dir / FILE_NAME if data_dir is not None else None, cap)

    def reload(self) -> None:
        """Read the file again (another instance may have added searches)."""
        if self.path is not None:
            self._entries = _parse(jsonfile.read(self.path))[: self.cap]

    def entries(self) -> list[str]:
        """Every remembered query, most recent first."""
        return [e.query for e in self._entries]

    def details(self) -> list[HistoryEntry]:
        """Every remembered search with when it was last run, most recent first."""
        return list(self._entries)

    def _change(self, edit: Callable[[list[HistoryEntry]], list[HistoryEntry]]) -> None:
        def change(data: Any) -> Any:
            return _dump(edit(_parse(data))[: self.cap])

        if self.path is None:
            self._entries = edit(list(self._entries))[: self.cap]
        else:
            self._entries = _parse(jsonfile.update(self.path, change))

    def add(self, query: str, *, at: float | None = None) -> None:
        """Remember a search that was run (blank ones are not kept)."""
        text = normalize_query(query)[:MAX_QUERY_CHARS]
        if not text:
            return
        entry = HistoryEntry(text, time.time() if at is None else at)
        key = _key(text)
        self._change(lambda entries: [entry, *(e for e in entries if _key(e.query) != key)])

    def remove(self, query: str) -> None:
        """Forget one search."""
        key = _key(query)
        self._change(lambda entries: [e for e in entries if _key(e.query) != key])

    def clear(self) -> None:
        """Forget every search."""
        self._change(lambda entries: [])

    def matching(self, prefix: str) -> list[str]:
        """Queries starting with ``prefix`` (case-insensitive), most recent first."""
        wanted = prefix.lstrip().lower()
        return [q for q in self.entries() if q.lower().startswith(wanted)]

    def fuzzy(self, text: str, limit: int = 20) -> list[str]:
        """Queries matching ``text`` loosely, best first (recent ones win ties)."""
        ranked = []
        for rank, query in enumerate(self.entries()):
            score = fuzzy_score(text, query)
            if score is not None:
                ranked.append((-score, rank, query))
        return [query for _, _, query in sorted(ranked)[: max(0, limit)]]

    def cursor(self, typed: str = "") -> HistoryCursor:
        """A walker for Up/Down in a search box, over entries starting with ``typed``."""
        return HistoryCursor(typed, self.matching(typed))


class HistoryCursor:
    """Up/Down through history: `older` steps back, `newer` forward, ending at what was typed."""

    def __init__(self, typed: str, matches: list[str]) -> None:
        self.typed = typed
        self.matches = matches
        self.index = -1

    def older(self) -> str | None:
        """The next older match, or None at the oldest."""
        if self.index + 1 >= len(self.matches):
            return None
        self.index += 1
        return self.matches[self.index]

    def newer(self) -> str:
        """The next newer match; past the newest, the text that was typed."""
        if self.index <= 0:
            self.index = -1
            return self.typed
        self.index -= 1
        return self.matches[self.index]


def fuzzy_score(text: str, candidate: str) -> int | None:
    """How well ``text`` matches ``candidate`` (its terms as subsequences), None if not at all.

    Every term of ``text`` must appear in order within one term of ``candidate``; contiguous
    runs and matches at the start of a term score higher.
    """
    terms = text.lower().split()
    words = candidate.lower().split()
    if not terms:
        return 0
    total = 0
    for term in terms:
        best = max((s for s in (_subsequence(term, w) for w in words) if s is not None),
                   default=None)  # fmt: skip
        if best is None:
            return None
        total += best
    return total


def _subsequence(needle: str, hay: str) -> int | None:
    pos, score, run = 0, 0, 0
    for char in needle:
        found = hay.find(char, pos)
        if found < 0:
            return None
        run = run + 1 if found == pos and pos > 0 else 1
        score += 1 + run + (3 if found == 0 else 0)
        pos = found + 1
    return score - (len(hay) - len(needle)) // 8


def saved_search_problem(name: str) -> str | None:
    """Why ``name`` cannot name a saved search, or None."""
    cleaned = name.strip()
    if not cleaned:
        return "give the search a name"
    if len(cleaned) > MAX_NAME_CHARS:
        return f"names are at most {MAX_NAME_CHARS} characters"
    if any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in cleaned):
        return "names cannot contain control characters"
    return None


@dataclass(frozen=True)
class SavedSearches:
    """Named queries, in the order they were saved (the config stores them as a table)."""

    items: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None) -> SavedSearches:
        """From the config's ``[saved_searches]`` (entries that are not name = "query" dropped)."""
        items: dict[str, tuple[str, str]] = {}
        for name, query in (mapping or {}).items():
            if not isinstance(name, str) or not isinstance(query, str):
                continue
            if saved_search_problem(name) is None and normalize_query(query):
                items.setdefault(name.strip().lower(), (name.strip(), normalize_query(query)))
        return cls(tuple(items.values()))

    def to_dict(self) -> dict[str, str]:
        """For the config file."""
        return dict(self.items)

    def names(self) -> list[str]:
        """The names, in order."""
        return [name for name, _ in self.items]

    def get(self, name: str) -> str | None:
        """The query saved under ``name`` (case-insensitive), or None."""
        wanted = name.strip().lower()
        return next((q for n, q in self.items if n.lower() == wanted), None)

    def name_for(self, query: str) -> str | None:
        """The name a query is saved under, or None."""
        key = _key(query)
        return next((n for n, q in self.items if _key(q) == key), None)

    def with_search(self, name: str, query: str) -> SavedSearches:
        """Save (or replace) ``name``; raises ValueError with a message to show."""
        problem = saved_search_problem(name)
        if problem is not None:
            raise ValueError(problem)
        text = normalize_query(query)
        if not text:
            raise ValueError("an empty search cannot be saved")
        wanted = name.strip()
        items = list(self.items)
        for i, (existing, _) in enumerate(items):
            if existing.lower() == wanted.lower():
                items[i] = (wanted, text)
                return SavedSearches(tuple(items))
        return SavedSearches((*items, (wanted, text)))

    def without(self, name: str) -> SavedSearches:
        """Forget ``name``."""
        wanted = name.strip().lower()
        return SavedSearches(tuple((n, q) for n, q in self.items if n.lower() != wanted))

    def renamed(self, old: str, new: str) -> SavedSearches:
        """Rename a saved search (ValueError if ``old`` is unknown or ``new`` is invalid)."""
        query = self.get(old)
        if query is None:
            raise ValueError(f"no saved search named {old.strip()!r}")
        problem = saved_search_problem(new)
        if problem is not None:
            raise ValueError(problem)
        if new.strip().lower() != old.strip().lower() and self.get(new) is not None:
            raise ValueError(f"a search named {new.strip()!r} already exists")
        items = [(new.strip(), q) if n.lower() == old.strip().lower() else (n, q)
                 for n, q in self.items]  # fmt: skip
        return SavedSearches(tuple(items))

    def find(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """(name, query) pairs whose name or query fuzzily matches ``text``, best first."""
        ranked = []
        for order, (name, query) in enumerate(self.items):
            scores = [
                s for s in (fuzzy_score(text, name), fuzzy_score(text, query)) if s is not None
            ]
            if scores:
                ranked.append((-max(scores), order, name, query))
        return [(name, query) for _, _, name, query in sorted(ranked)[: max(0, limit)]]


__all__ = [
    "DEFAULT_CAP",
    "FILE_NAME",
    "HistoryCursor",
    "HistoryEntry",
    "SavedSearches",
    "SearchHistory",
    "fuzzy_score",
    "normalize_query",
    "saved_search_problem",
]
