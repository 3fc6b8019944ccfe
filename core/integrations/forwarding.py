"""Forwarding: each new report of a service also goes to the service's other systems, by
e-mail and/or to its external Open311 endpoint (the town's CRM), and the statuses that
endpoint gives it come back to the report.

A forward is a row written in the report's transaction (``storage.forwards``): never lost, sent
by the forwarding worker (``bot.forwarding``), which asks this module what to send. What goes
out is what the service's agents see on the card: the reference, the service, the place, the
text with personal data masked; never the resident's name or Telegram identity. The statuses
pulled back: ``core.integrations.pulled``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue import Open311Target
from core.deps import Deps
from core.views import ERASED, view
from storage import forwards
from storage.enums import ForwardChannel, ForwardState
from storage.models import Report


def enqueue(s: AsyncSession, deps: Deps, report_id: int, service: str, now: datetime) -> int:
    """A forward for each of ``service``'s other systems, in the caller's transaction."""
    if service not in deps.catalogue:
        return 0
    target = deps.catalogue.get(service).forwarding
    channels = ([ForwardChannel.EMAIL] if target.emails else []) + (
        [ForwardChannel.OPEN311] if target.open311 else []
    )
    for channel in channels:
        forwards.add(s, report_id, service, channel, now)
    return len(channels)


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class Open311Post:
    target: Open311Target
    #: The form fields of ``POST requests.json`` (without the api_key).
    fields: dict[str, str]


async def _report(s: AsyncSession, report_id: int) -> Report | None:
    return await s.get(Report, report_id)


def _words(r: Report) -> str:
    """The report's words as agents see them (none once its resident erased their data)."""
    return "" if ERASED in (r.text, r.redacted_text) else r.redacted_text


def _place(r: Report) -> str:
    if r.address and r.address != ERASED:
        return r.address
    if r.lat is not None and r.lon is not None:
        return f"{r.lat:.5f}, {r.lon:.5f}"
    return ""


async def email(s: AsyncSession, deps: Deps, report_id: int, service: str) -> Email | None:
    """The e-mail of a forward, in the town's language; None if the report or the service's
    addresses are gone."""
    r = await _report(s, report_id)
    target = deps.catalogue.get(service).forwarding if service in deps.catalogue else None
    if r is None or target is None or not target.emails:
        return None
    lang = deps.lang
    t = deps.texts.lang(lang)
    name = deps.catalogue.name(service, lang)
    filed = deps.settings.local(r.created_at)
    lines = [
        t("forward.email_intro", ref=r.id, service=name),
        "",
        _words(r),
        "",
        t("forward.email_place", place=_place(r) or t("card.no_place")),
        t("forward.email_filed", at=f"{filed:%d/%m/%Y %H:%M}"),
    ]
    if r.urgent:
        lines.insert(0, t("forward.email_urgent"))
    map_url = view(r).map_url
    if map_url:
        lines.append(map_url)
    if deps.settings.dashboard_login_url:
        lines.append(t("forward.email_dashboard", url=deps.settings.dashboard_login_url))
    subject = t("forward.email_subject", ref=r.id, service=name)
    if r.urgent:
        subject = f"{t('forward.email_urgent')} {subject}"
    return Email(target.emails, subject, "\n".join(lines) + "\n")


async def open311_post(
    s: AsyncSession, deps: Deps, report_id: int, service: str
) -> Open311Post | None:
    """The ``POST requests.json`` of a forward; None if the report or the endpoint is gone."""
    r = await _report(s, report_id)
    target = deps.catalogue.get(service).forwarding.open311 if service in deps.catalogue else None
    if r is None or target is None:
        return None
    fields = {
        "service_code": target.service_code or service,
        "description": _words(r),
        # Our reference, for the CRM's agents and for matching (FixMyStreet's convention).
        "attribute[senscommun_id]": str(r.id),
    }
    if target.jurisdiction_id:
        fields["jurisdiction_id"] = target.jurisdiction_id
    if r.lat is not None and r.lon is not None:
        fields["lat"], fields["long"] = f"{r.lat:.6f}", f"{r.lon:.6f}"
    if r.address and r.address != ERASED:
        fields["address_string"] = r.address
    return Open311Post(target, fields)


@dataclass(frozen=True)
class Waiting:
    """A forward not delivered yet, or given up, as the dashboard lists it."""

    id: int
    report_id: int
    service: str
    channel: ForwardChannel
    state: ForwardState
    attempts: int
    created_at: datetime
    not_before: datetime
    last_error: str


async def not_delivered(s: AsyncSession, services: Sequence[str]) -> list[Waiting]:
    """The forwards of ``services`` (an agent's own: nobody sees another service's) still
    waiting or given up, oldest first."""
    rows = await forwards.not_delivered(s, services)
    return [
        Waiting(
            f.id,
            f.report_id,
            f.service_code,
            f.channel,
            f.state,
            f.attempts,
            f.created_at,
            f.not_before,
            f.last_error or "",
        )
        for f in rows
    ]
