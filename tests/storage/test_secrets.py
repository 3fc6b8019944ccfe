"""Stored keys: made once (two processes starting together agree), rotated, old ones removed."""

from __future__ import annotations

from core.deps import Deps
from storage import secrets
from tests.conftest import Clock


async def test_a_key_is_made_once_then_read_back(svc: Deps, clock: Clock) -> None:
    async with svc.sessions() as s:
        first = await secrets.ensure(s, secrets.LINK, clock())
        await s.commit()
    async with svc.sessions() as s:
        again = await secrets.ensure(s, secrets.LINK, clock())  # a second process, a restart
        await s.commit()
    assert first == again and len(first) == 1 and len(first[0]) >= 32
    async with svc.sessions() as s:
        hook = await secrets.ensure(s, secrets.WEBHOOK, clock())
    assert hook != first  # one key per purpose


async def test_rotation_keeps_the_old_key_until_it_is_forgotten(svc: Deps, clock: Clock) -> None:
    async with svc.sessions() as s:
        (old,) = await secrets.ensure(s, secrets.LINK, clock())
        assert await secrets.rotate(s, secrets.LINK, clock()) == 2
        newest, older = await secrets.values(s, secrets.LINK)
        assert older == old and newest != old
        assert await secrets.forget_old(s, secrets.LINK) == 1
        assert await secrets.values(s, secrets.LINK) == [newest]
        assert await secrets.forget_old(s, "none") == 0
