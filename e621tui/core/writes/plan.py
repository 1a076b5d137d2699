"""Pure planning for the outbox: what an action targets, its inverse, and request batches.

No I/O and no clock: `Outbox` decides *when* to send; these functions decide *what*.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from e621tui.core.writes.store import SET_KINDS, Action, ActionKind

Target = tuple[str, int]
"""What an action changes: ``("set", set_id)``, ``("favorite", post_id)`` or ``("vote", …)``."""


@dataclass
class Batch:
    """One request to send, and what it does to each queued action it carries."""

    request: Action
    # (action, its progress once this request succeeds, whether that completes it)
    members: list[tuple[Action, int, bool]]

    @property
    def ids(self) -> list[int]:
        """The ids of the queued actions this request carries."""
        return [action.id for action, _, _ in self.members]


def target_of(action: Action) -> Target:
    """The thing `action` changes; actions on one target are sent in order."""
    if action.kind in SET_KINDS:
        assert action.set_id is not None
        return ("set", action.set_id)
    family = "favorite" if action.kind in ("favorite", "unfavorite") else "vote"
    return (family, action.post_ids[0])


def inverse_of(action: Action) -> tuple[ActionKind, int | None, int | None]:
    """The (kind, score, previous) of the action that restores the state before `action`."""
    if action.kind == "set_add":
        return "set_remove", None, None
    if action.kind == "set_remove":
        return "set_add", None, None
    if action.kind in ("favorite", "unfavorite"):
        after = 1 if action.kind == "favorite" else 0
        before = action.previous if action.previous is not None else 1 - after
        return ("favorite" if before else "unfavorite"), None, after
    after = (action.score or 0) if action.kind == "vote" else 0
    before = action.previous or 0
    if before == 0:
        return "unvote", None, after
    return "vote", before, after


def build_batch(head: Action, later: list[Action], max_ids: int) -> Batch:
    """The request for `head`, merging later same-kind edits of its set up to `max_ids` ids.

    Merging stops at an opposite edit of the same set, so adds and removes keep their order.
    """
    if head.kind not in SET_KINDS:
        request = dataclasses.replace(head, state="sending")
        return Batch(request, [(head, len(head.post_ids), True)])
    target = target_of(head)
    group = [head]
    for action in later:
        if target_of(action) != target:
            continue
        if action.kind != head.kind:
            break  # never merge across an opposite edit of the same set
        group.append(action)
    ids: list[int] = []
    taken: set[int] = set()
    members: list[tuple[Action, int, bool]] = []
    for action in group:
        progress = action.progress
        for post_id in action.post_ids[action.progress :]:
            if post_id not in taken:
                if len(ids) >= max_ids:
                    break
                taken.add(post_id)
                ids.append(post_id)
            progress += 1
        if progress > action.progress:
            members.append((action, progress, progress >= len(action.post_ids)))
        if progress < len(action.post_ids):
            break
    request = dataclasses.replace(head, post_ids=ids, state="sending", progress=0)
    return Batch(request, members)


__all__ = ["Batch", "Target", "build_batch", "inverse_of", "target_of"]
