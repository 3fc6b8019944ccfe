"""Residents: created on first contact, their language remembered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.conversation.drafts import DraftData, DraftState
from storage import sql
from storage.enums import DraftStep
from storage.models import Draft, Resident


@dataclass(frozen=True)
class ResidentRef:
    id: int
    telegram_user_id: int
    chat_id: int
    first_name: str
    language: str


_RESIDENTS = cast(Table, Resident.__table__)
_DRAFTS = cast(Table, Draft.__table__)
_TOUCH: dict[tuple[str, bool], Any] = {}


def _their_draft(column: Any) -> Any:
    """One column of the draft of the chat and user being touched (a scalar subquery)."""
    d = _DRAFTS
    mine = (d.c.chat_id == bindparam("p_chat")) & (d.c.user_id == bindparam("p_uid"))
    return select(column).where(mine).scalar_subquery()


def _touch_statement(dialect: str, with_draft: bool = False) -> Any:
    """The resident upsert, built once per dialect (it runs on every message); ``with_draft``
    also returns their draft's id, step and data, saving the conversation a round trip."""
    if (dialect, with_draft) not in _TOUCH:
        t = _RESIDENTS
        ins = sql.insert(dialect, t)
        stmt = ins.values(
            telegram_user_id=bindparam("p_uid"),
            chat_id=bindparam("p_chat"),
            first_name=bindparam("p_name"),
            language=bindparam("p_lang"),
            language_chosen=False,
            created_at=bindparam("p_now"),
            last_seen_at=bindparam("p_now"),
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=[t.c.telegram_user_id],
            set_={
                "chat_id": stmt.excluded.chat_id,
                "first_name": stmt.excluded.first_name,
                "last_seen_at": stmt.excluded.last_seen_at,
                "blocked_at": None,  # they write to us: they no longer block the bot
                "language": case((t.c.language_chosen, t.c.language), else_=stmt.excluded.language),
            },
        )
        cols = [t.c.id, t.c.language]
        if with_draft:
            d = _DRAFTS
            cols += [_their_draft(d.c.id), _their_draft(d.c.step), _their_draft(d.c.data)]
        _TOUCH[dialect, with_draft] = upsert.returning(*cols)
    return _TOUCH[dialect, with_draft]


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
    params = _params(user_id, chat_id, first_name, language, now)
    rid, lang = (await s.execute(_touch_statement(sql.dialect(s)), params)).one()
    return ResidentRef(rid, user_id, chat_id, first_name[:128], lang)


async def touch_with_draft(
    s: AsyncSession, user_id: int, chat_id: int, first_name: str, language: str, now: datetime
) -> tuple[ResidentRef, DraftState | None]:
    """:func:`touch`, and the resident's draft in this chat (None when there is none), in the
    same round trip: the report conversation reads it on nearly every message."""
    params = _params(user_id, chat_id, first_name, language, now)
    stmt = _touch_statement(sql.dialect(s), with_draft=True)
    rid, lang, draft_id, step, data = (await s.execute(stmt, params)).one()
    draft = None if draft_id is None else DraftState(draft_id, DraftStep(step), _data(data))
    return ResidentRef(rid, user_id, chat_id, first_name[:128], lang), draft


def _data(raw: Any) -> DraftData:
    """A draft's data from a subquery: decoded already, or its JSON text (SQLite)."""
    if isinstance(raw, str):
        raw = json.loads(raw)
    return DraftData.from_json(raw)


def _params(
    user_id: int, chat_id: int, first_name: str, language: str, now: datetime
) -> dict[str, Any]:
    return {
        "p_uid": user_id,
        "p_chat": chat_id,
        "p_name": first_name[:128],
        "p_lang": language,
        "p_now": now,
    }


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
