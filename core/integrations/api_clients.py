"""Open311 clients: the systems allowed to post reports (``senscommun apikey create NAME``).

A key is a random token shown once; only its SHA-256 is kept, so a copy of the database lets
nobody post. Each client's reports belong to a stand-in resident of its own, without a
Telegram identity or chat: the report is routed, carded and followed like any other, and no
notice is ever sent for it (``core.reports.status.followers`` skips a resident without a chat).
The client follows its reports through the API itself (``requests``, ``tokens``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApiClient, Resident

#: A client's name: what the agents read on its reports' cards (``👤 crm-voirie``).
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
#: Keys are ``sc_`` and 43 random URL-safe characters; anything much longer is no key.
MAX_KEY = 100


class ClientError(ValueError):
    """A name refused (the message says why, for the command line)."""


@dataclass(frozen=True)
class ClientRef:
    id: int
    name: str
    resident_id: int


@dataclass(frozen=True)
class ClientRow:
    name: str
    created_at: datetime
    revoked_at: datetime | None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create(s: AsyncSession, name: str, lang: str, now: datetime) -> str:
    """A new client and its key (returned once; the caller commits)."""
    if not NAME.match(name):
        raise ClientError("a name is 1 to 64 lowercase letters, digits, '.', '_' or '-'")
    if await s.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise ClientError(f"a client named {name!r} exists already (revoke it first)")
    stand_in = Resident(first_name=name, language=lang, created_at=now, last_seen_at=now)
    s.add(stand_in)
    await s.flush()
    key = "sc_" + secrets.token_urlsafe(32)
    s.add(ApiClient(name=name, key_hash=_hash(key), resident_id=stand_in.id, created_at=now))
    return key


async def listed(s: AsyncSession) -> list[ClientRow]:
    rows = (await s.scalars(select(ApiClient).order_by(ApiClient.name))).all()
    return [ClientRow(r.name, r.created_at, r.revoked_at) for r in rows]


async def revoke(s: AsyncSession, name: str, now: datetime) -> bool:
    """The client's key no longer opens anything; its reports stay. The name is freed: a
    revoked client is renamed ``name~revoked~<id>``."""
    row = await s.scalar(
        select(ApiClient).where(ApiClient.name == name, ApiClient.revoked_at.is_(None))
    )
    if row is None:
        return False
    row.revoked_at, row.name = now, f"{name[:40]}~revoked~{row.id}"
    return True


async def verify(s: AsyncSession, key: str) -> ClientRef | None:
    """The client a key belongs to, unless revoked or unknown."""
    if not key or len(key) > MAX_KEY:
        return None
    row = await s.scalar(
        select(ApiClient).where(ApiClient.key_hash == _hash(key), ApiClient.revoked_at.is_(None))
    )
    return None if row is None else ClientRef(row.id, row.name, row.resident_id)
