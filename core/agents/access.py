"""Agents' access to the dashboard, without passwords.

An agent sends /dashboard to the bot and receives, in private, a one-time link carrying a
random token; opening it shows a button, and pressing it within ten minutes, once, opens a
session (a random cookie) that ends after ``idle`` without a request (sliding: each request
moves it on) and after eight hours anyway; "log out everywhere" ends every session of the
agent. Opening the link alone uses nothing up. Only hashes of both tokens are kept: a copy of
the database opens nothing. Which tickets an agent sees is decided at every request from the
configured catalogue, so an agent removed from a service loses it at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.catalogue import Catalogue
from storage.db import rowcount
from storage.models import AgentLogin, AgentSession

LOGIN_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)
IDLE = timedelta(minutes=60)
#: A session's last request is written at most this often (a page is several requests).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Agent:
    """A logged-in agent and the services whose tickets they see."""

    telegram_user_id: int
    name: str
    lang: str
    services: tuple[str, ...]
    #: The session's last request before this one (None: just opened).
    last_seen: datetime | None = field(default=None, compare=False)

    @property
    def ref(self) -> AgentRef:
        return AgentRef(self.telegram_user_id, self.name)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_login(
    s: AsyncSession, catalogue: Catalogue, user_id: int, name: str, lang: str, now: datetime
) -> str:
    """A one-time login token for an agent; raises :class:`NotAllowed` for anyone else."""
    if not catalogue.services_of(user_id):
        raise NotAllowed("dashboard.agents_only")
    await s.execute(delete(AgentLogin).where(AgentLogin.expires_at < now - timedelta(days=1)))
    await s.execute(delete(AgentSession).where(AgentSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    s.add(
        AgentLogin(
            token_hash=_hash(token),
            telegram_user_id=user_id,
            agent_name=name[:128],
            lang=lang,
            created_at=now,
            expires_at=now + LOGIN_TTL,
        )
    )
    return token


async def check_login(s: AsyncSession, token: str, now: datetime) -> AgentLogin:
    """The login a token opens, left unused (opening the link only shows the button that
    uses it: link previews and mail scanners must not use it up). Raises
    :class:`NotAllowed` naming why it opens nothing (unknown, used, expired)."""
    login = await s.scalar(select(AgentLogin).where(AgentLogin.token_hash == _hash(token)))
    if login is None:
        raise NotAllowed("dashboard.login_unknown")
    if login.used_at is not None:
        raise NotAllowed("dashboard.login_used")
    if login.expires_at <= now:
        raise NotAllowed("dashboard.login_expired")
    return login


async def redeem(
    s: AsyncSession, catalogue: Catalogue, token: str, now: datetime
) -> tuple[str, Agent]:
    """Use a login token (once): a new session's token and its agent. Raises
    :class:`NotAllowed` naming why (unknown, used, expired, no longer an agent)."""
    login = await check_login(s, token, now)
    used = await s.execute(
        update(AgentLogin)
        .where(AgentLogin.id == login.id, AgentLogin.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(used) != 1:  # opened twice at once: the other one won
        raise NotAllowed("dashboard.login_used")
    services = tuple(catalogue.services_of(login.telegram_user_id))
    if not services:
        raise NotAllowed("dashboard.agents_only")
    cookie = secrets.token_urlsafe(32)
    s.add(
        AgentSession(
            token_hash=_hash(cookie),
            telegram_user_id=login.telegram_user_id,
            agent_name=login.agent_name,
            lang=login.lang,
            created_at=now,
            expires_at=now + SESSION_TTL,
            last_seen=now,
        )
    )
    return cookie, Agent(login.telegram_user_id, login.agent_name, login.lang, services, now)


async def agent_of(
    s: AsyncSession, catalogue: Catalogue, cookie: str, now: datetime, idle: timedelta = IDLE
) -> Agent | None:
    """The agent of a session cookie, or None (unknown, expired, idle for ``idle`` or longer,
    or no longer an agent). The caller records the request with :func:`touch` when
    :func:`needs_touch` says so."""
    if not cookie or len(cookie) > 200:
        return None
    row = await s.scalar(select(AgentSession).where(AgentSession.token_hash == _hash(cookie)))
    if row is None or row.expires_at <= now:
        return None
    if (row.last_seen or row.created_at) + idle <= now:
        return None
    services = tuple(catalogue.services_of(row.telegram_user_id))
    if not services:
        return None
    return Agent(row.telegram_user_id, row.agent_name, row.lang, services, row.last_seen)


def needs_touch(agent: Agent, now: datetime) -> bool:
    return agent.last_seen is None or now - agent.last_seen >= TOUCH_EVERY


async def touch(s: AsyncSession, cookie: str, now: datetime) -> None:
    """Record a request of the session: its idle time starts again."""
    await s.execute(
        update(AgentSession).where(AgentSession.token_hash == _hash(cookie)).values(last_seen=now)
    )


async def logout(s: AsyncSession, cookie: str) -> None:
    await s.execute(delete(AgentSession).where(AgentSession.token_hash == _hash(cookie)))


async def logout_everywhere(s: AsyncSession, telegram_user_id: int) -> int:
    """End every session of an agent (a lost phone, a shared computer); returns how many."""
    res = await s.execute(
        delete(AgentSession).where(AgentSession.telegram_user_id == telegram_user_id)
    )
    return rowcount(res)


def csrf_token(cookie: str) -> str:
    """The token the session's forms carry: derived from the cookie, which other sites can
    neither read nor guess."""
    return hmac.new(cookie.encode(), b"senscommun dashboard form", hashlib.sha256).hexdigest()


def csrf_ok(cookie: str, given: str) -> bool:
    return bool(cookie) and hmac.compare_digest(csrf_token(cookie).encode(), given.encode())
