"""Fuzzy matching for pickers: case-insensitive subsequence match with a ranking score.

Ranking tiers, best first: the text starts with the query; a word of the text starts with the
query; the query's characters appear in order (fewer gaps, then an earlier start, rank higher).
Pure functions, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

_TIER = 1_000_000
_PREFIX, _WORD_PREFIX, _SUBSEQUENCE = 3 * _TIER, 2 * _TIER, 1 * _TIER
_GAP_COST = 10_000


T = TypeVar("T")


def _word_starts(text: str) -> list[int]:
    return [
        i for i, char in enumerate(text) if char.isalnum() and (i == 0 or not text[i - 1].isalnum())
    ]


def _fewest_gaps(query: str, text: str) -> tuple[int, list[int]] | None:
    """Positions of `query` as a subsequence of `text` with the fewest gaps (dynamic programme).

    O(len(query) * len(text)); names here are short.
    """
    n = len(text)
    inf = len(query) + n + 1
    # cost[i]: fewest gaps matching query[:j+1] with query[j] at text[i]; back[j][i]: previous i.
    cost = [0 if char == query[0] else inf for char in text]
    back: list[list[int]] = [[-1] * n]
    for q_char in query[1:]:
        new = [inf] * n
        links = [-1] * n
        best_before, best_at = inf, -1  # min of cost[0..i-2], for a match after a gap
        for i in range(1, n):
            if i >= 2 and cost[i - 2] < best_before:
                best_before, best_at = cost[i - 2], i - 2
            if text[i] != q_char:
                continue
            if cost[i - 1] <= best_before + 1:
                new[i], links[i] = cost[i - 1], i - 1
            else:
                new[i], links[i] = best_before + 1, best_at
        cost = new
        back.append(links)
    end = min(range(n), key=lambda i: (cost[i], i), default=-1)
    if end < 0 or cost[end] >= inf:
        return None
    positions = [end]
    for links in reversed(back[1:]):
        positions.append(links[positions[-1]])
    positions.reverse()
    return cost[end], positions


def fuzzy_match(query: str, text: str) -> tuple[int, list[int]] | None:
    """Score `text` against `query` and return ``(score, matched positions)``, or None.

    Higher scores are better matches; an empty query matches everything with score 0.
    """
    needle = "".join(query.casefold().split())
    hay = text.casefold()
    if len(hay) != len(text):  # casefold changed lengths ("ß" → "ss"): positions would drift
        hay = text.lower()
    if not needle:
        return 0, []
    spaced = " ".join(query.casefold().split())
    if hay.startswith(spaced):
        return _PREFIX + max(0, _TIER - 1 - len(hay)), list(range(len(spaced)))
    for start in _word_starts(hay):
        if hay.startswith(spaced, start):
            penalty = min(_TIER - 1, start * 1000 + len(hay))
            return _WORD_PREFIX + _TIER - 1 - penalty, list(range(start, start + len(spaced)))
    found = _fewest_gaps(needle, hay)
    if found is None:
        return None
    gaps, positions = found
    penalty = min(_TIER - 1, gaps * _GAP_COST + positions[0] * 10 + min(len(hay), 9))
    return _SUBSEQUENCE + _TIER - 1 - penalty, positions


def fuzzy_score(query: str, text: str) -> int | None:
    """How well `text` matches `query` (higher is better), or None when it does not match."""
    match = fuzzy_match(query, text)
    return None if match is None else match[0]


def fuzzy_rank(
    query: str, items: Sequence[T], text: Callable[[T], str]
) -> list[tuple[T, list[int]]]:
    """The items whose ``text`` matches ``query``, best first (ties keep the given order),
    each with the matched positions; an empty query keeps them all, in order."""
    ranked: list[tuple[int, int, T, list[int]]] = []
    for index, item in enumerate(items):
        match = fuzzy_match(query, text(item))
        if match is not None:
            ranked.append((-match[0], index, item, match[1]))
    ranked.sort(key=lambda row: (row[0], row[1]))
    return [(item, positions) for _, _, item, positions in ranked]


__all__ = ["fuzzy_match", "fuzzy_rank", "fuzzy_score"]
