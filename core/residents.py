"""Residents: created on first contact, their language remembered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Resident


@dataclass(frozen=True)
class ResidentRef:
    id: int
    telegram_user_id: int
    chat_id: int
    first_name: str
    language: str


def _ref(r: Resident) -> ResidentRef:
    return ResidentRef(r.id, r.telegram_user_id or 0, r.chat_id or 0, r.first_name, r.language)


async def touch(
    s: AsyncSession,
    user_id: int,
    chat_id: int,
    first_name: str,
    language: str,
    now: datetime,
) -> ResidentRef:
    """The resident behind a Telegram user, created on first contact.

    ``language`` (Telegram's ``language_code``, already narrowed to a supported one) is used
    only until the resident picks one with /language.
    """
    row = await s.scalar(select(Resident).where(Resident.telegram_user_id == user_id))
    if row is None:
        row = Resident(
            telegram_user_id=user_id,
            chat_id=chat_id,
            first_name=first_name[:128],
            language=language,
            language_chosen=False,
            created_at=now,
            last_seen_at=now,
        )
        s.add(row)
        await s.flush()
    else:
        row.chat_id, row.first_name, row.last_seen_at = chat_id, first_name[:128], now
        if not row.language_chosen:
            row.language = language
    return _ref(row)


async def set_language(s: AsyncSession, resident_id: int, language: str) -> None:
    row = await s.get_one(Resident, resident_id)
    row.language, row.language_chosen = language, True


async def by_id(s: AsyncSession, resident_id: int) -> ResidentRef:
    return _ref(await s.get_one(Resident, resident_id))
