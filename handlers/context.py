"""The typed context handlers receive."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from core.actors import AgentRef
from core.deps import Deps
from core.unit import Session, current_unit
from handlers import inputs
from handlers.failures import retrying

ADict = dict[Any, Any]


@dataclass
class BotData:
    deps: Deps = field(init=False)
    #: How a direct reply waits before it is tried again (tests pass a clock's sleep).
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep


class Ctx(CallbackContext[ExtBot[None], ADict, ADict, BotData]):
    @property
    def deps(self) -> Deps:
        return self.bot_data.deps

    @property
    def session(self) -> Session:
        """The session of the update being processed (see ``core.unit``)."""
        return current_unit().session

    def later(self, call: Callable[[], Awaitable[Any]]) -> None:
        """Make a Telegram call after this update's effects are committed; tried again on 429
        and transient failures (``handlers.failures``): a conversation never stalls in
        silence for one lost reply."""
        current_unit().after_commit.append(retrying(call, self.bot_data.pause))


def agent_of(update: Update) -> AgentRef:
    """Who pressed or wrote in an agents chat (core decides whether they may act)."""
    user = inputs.user(update)
    return AgentRef(user.id, user.full_name or user.first_name or str(user.id))
