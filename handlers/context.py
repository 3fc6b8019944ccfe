"""The typed context handlers receive, and the unit of work they write into.

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
from telegram.ext import CallbackContext, ExtBot

from core.desk import Desk
from core.services import Services

ADict = dict[Any, Any]


@dataclass
class Unit:
    """One update's unit of work."""

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


@dataclass
class BotData:
    services: Services = field(init=False)


class Ctx(CallbackContext[ExtBot[None], ADict, ADict, BotData]):
    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def session(self) -> AsyncSession:
        return current_unit().session

    def later(self, call: Callable[[], Awaitable[Any]]) -> None:
        """Make a Telegram call after this update's effects are committed."""
        current_unit().after_commit.append(call)

    @property
    def desk(self) -> Desk:
        return self.services.desk
