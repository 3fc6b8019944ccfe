"""Drafts: a resident's report while it is being written, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.enums import DraftKind, DraftStep, ReportIntent, ReportStatus
from storage.models import Draft


@dataclass(frozen=True)
class DuplicateOffer:
    """An open report nearby that may be the same problem ("is it this one?")."""

    id: int
    text: str  # its masked text, shortened
    status: ReportStatus


@dataclass(frozen=True)
class IdeaOffer:
    """A similar published idea, offered to support instead."""

    id: int
    text: str  # shortened
    supports: int  # how many residents support it ("n" in the JSON)


@dataclass
class DraftData:
    """What the conversation has gathered so far. Stored as JSON (``Draft.data``) under the
    field names, a field at its default left out, so an empty draft is ``{}``."""

    text: str = ""  # the description as written (messages and captions joined by newlines)
    lang: str | None = None  # the language the classifier read the text in
    redacted: str = ""  # the text with personal data masked
    suggested: str | None = None  # the service the classifier suggests
    confidence: float = 0.0  # of ``suggested``, 0..1
    ask: bool = False  # no service fits well enough: the resident is asked, not told a guess
    top: list[str] = field(default_factory=list)  # the likeliest services, best first
    intent: ReportIntent = ReportIntent.REPORT
    urgent: bool = False
    danger: str | None = None  # why it may be urgent (``Classification.danger``)
    faq: int | None = None  # the FAQ entry offered as an answer (its index in ``Deps.faq``)
    service: str | None = None  # the service the resident confirmed
    corrected: bool = False  # the resident confirmed another service than ``suggested``
    address_hint: str | None = None  # a place named in the text, as written
    address: str | None = None  # the place as the resident typed it
    lat: float | None = None
    lon: float | None = None
    offers: list[DuplicateOffer] | None = None  # None: not looked for yet; []: none found
    photo_file_id: str | None = None
    photo_unique_id: str | None = None
    photo_path: str | None = None  # the copy in the media folder, when the download worked
    photo_skipped: bool = False
    idea_offers: list[IdeaOffer] = field(default_factory=list)
    explicit: bool = False  # sent with /idea: no "it is a problem" button

    def is_empty(self) -> bool:
        return self == DraftData()

    def copy(self) -> DraftData:
        return replace(self)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f, default in _DEFAULTS:
            value = getattr(self, f)
            if value == default:
                continue
            if f == "offers":
                value = [{"id": o.id, "text": o.text, "status": o.status.value} for o in value]
            elif f == "idea_offers":
                value = [{"id": o.id, "text": o.text, "n": o.supports} for o in value]
            elif f == "intent":
                value = value.value
            out[f] = value
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> DraftData:
        """Also reads the drafts written as plain dicts before this class: unknown keys are
        ignored, missing ones take their default."""
        d = raw or {}

        def text(key: str) -> str | None:
            value = d.get(key)
            return None if value is None else str(value)

        def number(key: str) -> float | None:
            value = d.get(key)
            return None if value is None else float(value)

        offers = d.get("offers")
        return cls(
            text=str(d.get("text") or ""),
            lang=text("lang"),
            redacted=str(d.get("redacted") or ""),
            suggested=text("suggested"),
            confidence=float(d.get("confidence") or 0.0),
            ask=bool(d.get("ask", False)),
            top=[str(c) for c in d.get("top") or []],
            intent=ReportIntent(d.get("intent") or ReportIntent.REPORT),
            urgent=bool(d.get("urgent", False)),
            danger=text("danger"),
            faq=None if d.get("faq") is None else int(d["faq"]),
            service=text("service"),
            corrected=bool(d.get("corrected", False)),
            address_hint=text("address_hint"),
            address=text("address"),
            lat=number("lat"),
            lon=number("lon"),
            offers=None
            if offers is None
            else [
                DuplicateOffer(int(o["id"]), str(o["text"]), ReportStatus(o["status"]))
                for o in offers
            ],
            photo_file_id=text("photo_file_id"),
            photo_unique_id=text("photo_unique_id"),
            photo_path=text("photo_path"),
            photo_skipped=bool(d.get("photo_skipped", False)),
            idea_offers=[
                IdeaOffer(int(o["id"]), str(o["text"]), int(o["n"]))
                for o in d.get("idea_offers") or []
            ],
            explicit=bool(d.get("explicit", False)),
        )


_DEFAULTS = [(f.name, getattr(DraftData(), f.name)) for f in fields(DraftData)]


@dataclass
class DraftState:
    id: int
    step: DraftStep
    data: DraftData = field(default_factory=DraftData)


# Prebuilt Core statements: a draft is read and written on nearly every message, and building
# an ORM statement each time cost more than running it.
_DRAFTS = cast(Table, Draft.__table__)
_LOAD = select(_DRAFTS.c.id, _DRAFTS.c.step, _DRAFTS.c.data).where(
    _DRAFTS.c.chat_id == bindparam("p_chat"), _DRAFTS.c.user_id == bindparam("p_user")
)
_UPDATE = (
    _DRAFTS.update()
    .where(_DRAFTS.c.id == bindparam("p_id"))
    .values(step=bindparam("p_step"), data=bindparam("p_data"), updated_at=bindparam("p_now"))
)
_INSERT = (
    _DRAFTS.insert()
    .values(
        chat_id=bindparam("p_chat"),
        user_id=bindparam("p_user"),
        kind=DraftKind.REPORT,
        step=bindparam("p_step"),
        data=bindparam("p_data"),
        created_at=bindparam("p_now"),
        updated_at=bindparam("p_now"),
    )
    .returning(_DRAFTS.c.id)
)


async def load(s: AsyncSession, chat_id: int, user_id: int) -> DraftState | None:
    row = (await s.execute(_LOAD, {"p_chat": chat_id, "p_user": user_id})).first()
    if row is None:
        return None
    return DraftState(row.id, DraftStep(row.step), DraftData.from_json(row.data))


async def save(
    s: AsyncSession,
    chat_id: int,
    user_id: int,
    step: DraftStep,
    data: DraftData,
    now: datetime,
    known: DraftState | None = None,
    looked: bool = False,
) -> DraftState:
    """Create or update the resident's draft (one per chat and user). ``looked``: the caller
    loaded it earlier in this session (``known``, None when there was none), so no query."""
    if known is None and not looked:
        known = await load(s, chat_id, user_id)
    values = {"p_step": step, "p_data": data.to_json(), "p_now": now}
    if known is not None:
        await s.execute(_UPDATE, {"p_id": known.id, **values})
        return DraftState(known.id, step, data.copy())
    draft_id = (
        await s.execute(_INSERT, {"p_chat": chat_id, "p_user": user_id, **values})
    ).scalar_one()
    return DraftState(int(draft_id), step, data.copy())


async def discard(s: AsyncSession, chat_id: int, user_id: int) -> bool:
    res = await s.execute(delete(Draft).where(Draft.chat_id == chat_id, Draft.user_id == user_id))
    return rowcount(res) > 0
