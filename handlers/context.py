"""The typed context handlers receive."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from core.desk import Desk
from core.services import Services
from core.unit import Session, current_unit

ADict = dict[Any, Any]


@dataclass
class BotData:
    services: Services = field(init=False)


class Ctx(CallbackContext[ExtBot[None], ADict, ADict, BotData]):
    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def session(self) -> Session:
        """The session of the update being processed (see ``core.unit``)."""
        return current_unit().session

    def later(self, call: Callable[[], Awaitable[Any]]) -> None:
        """Make a Telegram call after this update's effects are committed."""
        current_unit().after_commit.append(call)

    @property
    def desk(self) -> Desk:
        return self.services.desk
