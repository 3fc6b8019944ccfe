"""The typed context handlers receive."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from core.actors import AgentRef
from core.deps import Deps
from core.unit import Session, current_unit
from handlers import inputs

ADict = dict[Any, Any]


@dataclass
class BotData:
    deps: Deps = field(init=False)


class Ctx(CallbackContext[ExtBot[None], ADict, ADict, BotData]):
    @property
    def deps(self) -> Deps:
        return self.bot_data.deps

    @property
    def session(self) -> Session:
        """The session of the update being processed (see ``core.unit``)."""
        return current_unit().session

    def later(self, call: Callable[[], Awaitable[Any]]) -> None:
        """Make a Telegram call after this update's effects are committed."""
        current_unit().after_commit.append(call)


def agent_of(update: Update) -> AgentRef:
    """Who pressed or wrote in an agents chat (core decides whether they may act)."""
    user = inputs.user(update)
    return AgentRef(user.id, user.full_name or user.first_name or str(user.id))
