"""Who acts, and the one refusal every use case raises when they may not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgentRef:
    """An agent as Telegram or the dashboard names them; core decides what they may do."""

    telegram_user_id: int
    name: str


class NotAllowed(Exception):
    """The actor may not do this; ``key`` names the catalogue text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
