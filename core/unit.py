"""The unit of work of one update: its session, its error, and what to say once committed.

The inbox worker opens one database session per update and sets it as the current unit; the
handlers reach it as ``ctx.session``, so an update's effects and its processed mark are
committed together (or not at all).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

Session = AsyncSession  # what handlers may name, without reaching into SQLAlchemy


@dataclass
class Unit:
    session: AsyncSession
    error: BaseException | None = None
    #: Telegram calls to make once the unit is committed: a transaction never waits on the
    #: network, and nothing is said about effects that were rolled back.
    after_commit: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)


_current: ContextVar[Unit | None] = ContextVar("senscommun_unit", default=None)


@contextmanager
def unit_of_work(session: AsyncSession) -> Iterator[Unit]:
    unit = Unit(session)
    token = _current.set(unit)
    try:
        yield unit
    finally:
        _current.reset(token)


def current_unit() -> Unit:
    unit = _current.get()
    if unit is None:
        raise RuntimeError("no unit of work: updates must come through the inbox")
    return unit
