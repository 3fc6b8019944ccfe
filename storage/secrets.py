"""Keys the product makes for itself, stored in the ``secrets`` table (see
:class:`storage.models.Secret` for why the database and not a file).

``ensure`` makes the first version of a key when there is none (two processes starting at once
agree: the second insert is ignored); ``rotate`` adds a newer version; ``forget_old`` removes
every version but the newest."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import sql
from storage.db import rowcount
from storage.models import Secret

#: The kinds of key (the ``name`` column).
LINK = "link"
WEBHOOK = "webhook"


def new_value() -> str:
    """A fresh key: 256 random bits in Telegram's secret-token alphabet (A-Z a-z 0-9 _ -)."""
    return secrets.token_urlsafe(32)


async def values(s: AsyncSession, name: str) -> list[str]:
    """The versions of a key, newest first."""
    rows = await s.scalars(
        select(Secret.value).where(Secret.name == name).order_by(Secret.version.desc())
    )
    return list(rows)


async def ensure(s: AsyncSession, name: str, now: datetime) -> list[str]:
    """The versions of a key, newest first, made at the first call (the caller commits)."""
    ins = sql.insert(sql.dialect(s), Secret).values(
        name=name, version=1, value=new_value(), created_at=now
    )
    await s.execute(ins.on_conflict_do_nothing(index_elements=["name", "version"]))
    return await values(s, name)


async def rotate(s: AsyncSession, name: str, now: datetime) -> int:
    """A newer version of a key (the older ones stay accepted); returns its version."""
    newest = await s.scalar(select(func.max(Secret.version)).where(Secret.name == name))
    version = int(newest or 0) + 1
    s.add(Secret(name=name, version=version, value=new_value(), created_at=now))
    await s.flush()
    return version


async def forget_old(s: AsyncSession, name: str) -> int:
    """Remove every version of a key but the newest; returns how many were removed."""
    newest = await s.scalar(select(func.max(Secret.version)).where(Secret.name == name))
    if newest is None:
        return 0
    res = await s.execute(delete(Secret).where(Secret.name == name, Secret.version < newest))
    return rowcount(res)
