"""Keeps probe answers that arrive late (after the probe gave up) out of the app's input.

Over a slow link the terminal may answer the probe's queries after the app has started
reading keys; Textual would then see ``ESC [ ? 62 ; c`` or ``ESC P > | kitty(0.26.5) ESC \\``
as typed text (``p``, ``k``… are bindings). The filter sits between the terminal and the key
parser and drops exactly the answer shapes the probe asked for, until the DA1 sentinels it
still waits for have arrived or a deadline passes. Keys pass through untouched (an answer
split across reads is held back for at most `HOLD` seconds).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

ESC = "\x1b"
#: How long the filter stays on when the sentinel never comes.
DEFAULT_WINDOW = 10.0
#: How long an unfinished sequence may be held back before it is let through.
HOLD = 0.5

_ANSWER = re.compile(
    r"\x1b_G[^\x1b]*\x1b\\"  # kitty graphics answer
    r"|\x1bP>\|[^\x1b]*\x1b\\"  # XTVERSION
    r"|\x1b\[[468];\d+;\d+t"  # cell / window size
    r"|\x1b\[\?1;\d+(?:;\d+)*S"  # XTSMGRAPHICS
    r"|\x1b\[\?[\d;]*c"  # DA1 (counted)
)
# A tail that may still become one of the answers above.
_PARTIAL = re.compile(
    r"\x1b(?:_(?:G[^\x1b]*\x1b?)?|P(?:>(?:\|[^\x1b]*\x1b?)?)?"
    r"|\[(?:\?(?:1(?:;\d*)*|[\d;]*)|[468](?:;\d*){0,2})?)?\Z"
)


class LateAnswerFilter:
    """Drops late probe answers from a stream of decoded terminal input.

    Args:
        outstanding_da1: DA1 answers the probe is still owed (0: the filter is off).
        window: Seconds after which the filter turns itself off regardless.
        clock: Monotonic clock (tests pass a fake).
    """

    def __init__(
        self,
        outstanding_da1: int,
        window: float = DEFAULT_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.outstanding = outstanding_da1
        self.clock = clock
        self.deadline = clock() + window
        self.dropped: list[str] = []
        self._pending = ""
        self._pending_since = 0.0

    @property
    def active(self) -> bool:
        """Still filtering."""
        return self.outstanding > 0 and self.clock() < self.deadline

    def feed(self, text: str) -> str:
        """The part of ``text`` that is real input (late answers removed)."""
        data = self._pending + text
        self._pending = ""
        if not self.active:
            return data
        out: list[str] = []
        pos = 0
        while pos < len(data):
            start = data.find(ESC, pos)
            if start < 0:
                out.append(data[pos:])
                break
            out.append(data[pos:start])
            if not self.active:
                out.append(data[start:])
                break
            if m := _ANSWER.match(data, start):
                answer = m.group(0)
                self.dropped.append(answer)
                if answer.endswith("c"):
                    self.outstanding -= 1
                pos = m.end()
                continue
            if _PARTIAL.match(data, start):
                self._pending = data[start:]
                self._pending_since = self.clock()
                break
            out.append(ESC)
            pos = start + 1
        return "".join(out)

    def flush(self) -> str:
        """Held-back text that waited longer than `HOLD` (call on idle ticks)."""
        if self._pending and (not self.active or self.clock() - self._pending_since >= HOLD):
            text, self._pending = self._pending, ""
            return text
        return ""


__all__ = ["DEFAULT_WINDOW", "HOLD", "LateAnswerFilter"]
