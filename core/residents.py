"""Residents: created on first contact, their language remembered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
    # One round trip: insert, or refresh the contact details of the resident we know.
    ins = (pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert)(Resident)
    stmt = ins.values(
        telegram_user_id=user_id,
        chat_id=chat_id,
        first_name=first_name[:128],
        language=language,
        language_chosen=False,
        created_at=now,
        last_seen_at=now,
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=[Resident.telegram_user_id],
        set_={
            "chat_id": stmt.excluded.chat_id,
            "first_name": stmt.excluded.first_name,
            "last_seen_at": stmt.excluded.last_seen_at,
            "language": case(
                (Resident.language_chosen, Resident.language), else_=stmt.excluded.language
            ),
        },
    ).returning(Resident.id, Resident.language)
    rid, lang = (await s.execute(upsert)).one()
    return ResidentRef(rid, user_id, chat_id, first_name[:128], lang)


async def set_language(s: AsyncSession, resident_id: int, language: str) -> None:
    row = await s.get_one(Resident, resident_id)
    row.language, row.language_chosen = language, True


async def by_id(s: AsyncSession, resident_id: int) -> ResidentRef:
    return _ref(await s.get_one(Resident, resident_id))
