"""What one drain of the outbox has in hand: how many rows it claims, the calls on their way,
and the order of its queue when rows are claimed out of turn."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from storage.outbox import Claimed


def batch_for(rate: float) -> int:
    """Rows claimed at once: about two seconds of sending at ``rate``."""
    return max(50, min(2_000, int(rate * 2)))


@dataclass
class Flight:
    """What one ``OutboxWorker.drain_once`` has on its way."""

    tasks: set[asyncio.Task[None]] = field(default_factory=set)  # calls on the wire
    busy: set[int] = field(default_factory=set)  # chats with a message on its way
    later: list[tuple[Claimed, float]] = field(default_factory=list)  # back in line
    rows: int = 0  # messages taken and not settled

    def settle(self, rows: list[Claimed]) -> None:
        self.rows -= len(rows)
        for row in rows:
            self.busy.discard(row.chat_id)


def ahead(queue: deque[Claimed], held: list[Claimed], rows: list[Claimed]) -> None:
    """Rows claimed out of turn go to the front of the queue, except those of a chat that
    already has rows waiting here: they follow them (a chat's order is kept)."""
    waiting = {r.chat_id for r in queue} | {r.chat_id for r in held}
    queue.extend(r for r in rows if r.chat_id in waiting)
    queue.extendleft(reversed([r for r in rows if r.chat_id not in waiting]))
