"""Residents: created on first contact, their language remembered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, update
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


_RESIDENTS = cast(Table, Resident.__table__)
_TOUCH: dict[str, Any] = {}


def _touch_statement(dialect: str) -> Any:
    """The resident upsert, built once per dialect (it runs on every message)."""
    if dialect not in _TOUCH:
        t = _RESIDENTS
        ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(t)
        stmt = ins.values(
            telegram_user_id=bindparam("p_uid"),
            chat_id=bindparam("p_chat"),
            first_name=bindparam("p_name"),
            language=bindparam("p_lang"),
            language_chosen=False,
            created_at=bindparam("p_now"),
            last_seen_at=bindparam("p_now"),
        )
        _TOUCH[dialect] = stmt.on_conflict_do_update(
            index_elements=[t.c.telegram_user_id],
            set_={
                "chat_id": stmt.excluded.chat_id,
                "first_name": stmt.excluded.first_name,
                "last_seen_at": stmt.excluded.last_seen_at,
                "blocked_at": None,  # they write to us: they no longer block the bot
                "language": case((t.c.language_chosen, t.c.language), else_=stmt.excluded.language),
            },
        ).returning(t.c.id, t.c.language)
    return _TOUCH[dialect]


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
    params = {
        "p_uid": user_id,
        "p_chat": chat_id,
        "p_name": first_name[:128],
        "p_lang": language,
        "p_now": now,
    }
    rid, lang = (await s.execute(_touch_statement(s.get_bind().dialect.name), params)).one()
    return ResidentRef(rid, user_id, chat_id, first_name[:128], lang)


async def set_language(s: AsyncSession, resident_id: int, language: str) -> None:
    row = await s.get_one(Resident, resident_id)
    row.language, row.language_chosen = language, True


async def by_id(s: AsyncSession, resident_id: int) -> ResidentRef:
    return _ref(await s.get_one(Resident, resident_id))


async def mark_blocked(s: AsyncSession, chat_ids: list[int], now: datetime) -> None:
    """Telegram said these residents blocked the bot: campaigns skip them from now on."""
    await s.execute(
        update(Resident)
        .where(Resident.chat_id.in_(chat_ids))
        .values(blocked_at=now)
        .execution_options(synchronize_session=False)
    )
