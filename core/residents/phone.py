"""Supports that are people: a phone number shared once, through Telegram's contact button.

A Telegram account costs nothing, so without a check one person could reach any idea's
threshold alone. With ``ideas.require_phone`` (the default), an idea's supports count toward
its threshold only from residents who shared their own number once (Telegram's
``request_contact`` button sends a contact whose ``user_id`` is the sender's: a number typed
or forwarded is refused). Only an HMAC of the number under a salt is kept
(``ideas.phone_salt``): enough to see one number used twice, not to call anyone. One
resident per number: a second account sharing it is told so and does not count.

Supports given before the number are kept and count from the moment it is shared (the
counts of the ideas she supports are refreshed, which may put one on its agenda).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from core.ideas import proposals as ideas
from storage.models import IdeaSupport, Resident


def phone_hash(salt: bytes, number: str) -> str:
    """The kept fingerprint of a number: its digits only ("+33 6 12..." and "33612..." alike)."""
    digits = "".join(c for c in number if c.isascii() and c.isdigit())
    return hmac.new(salt, digits.encode(), hashlib.sha256).hexdigest()


async def share(
    s: AsyncSession,
    deps: Deps,
    resident_id: int,
    sender_user_id: int,
    contact_user_id: int | None,
    number: str,
    now: datetime,
) -> str:
    """A contact the resident sent; returns the catalogue key of the answer."""
    if contact_user_id != sender_user_id or not any(c.isdigit() for c in number):
        return "idea.phone_not_yours"
    digest = phone_hash(deps.settings.phone_salt, number)
    owner = await s.scalar(select(Resident.id).where(Resident.phone_hash == digest))
    if owner is not None and owner != resident_id:
        return "idea.phone_taken"
    who = await s.get_one(Resident, resident_id)
    if who.phone_hash == digest:
        return "idea.phone_thanks"
    who.phone_hash = digest
    await s.flush()
    supported = (
        await s.scalars(select(IdeaSupport.idea_id).where(IdeaSupport.resident_id == resident_id))
    ).all()
    for idea_id in supported:
        await ideas.recount(s, deps, idea_id, now)
    return "idea.phone_thanks"


async def counts(s: AsyncSession, deps: Deps, resident_id: int) -> bool:
    """Whether the resident's supports count toward thresholds."""
    if not deps.settings.idea_require_phone:
        return True
    return await s.scalar(select(Resident.phone_hash).where(Resident.id == resident_id)) is not None
