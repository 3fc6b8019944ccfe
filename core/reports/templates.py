"""Answer templates: what a service often writes to residents, per status and per language.

Defined in ``[[templates]]`` and copied into ``answer_templates`` at start when missing (a
template an administrator edited on the dashboard keeps its edits); offered as buttons on the
card and in the dashboard's forms. A template is always sent in the resident's own language,
with the ticket's values filled in, and like any reply it is shown before it is sent
(``core.reports.notes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from string import Formatter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.reports import notes
from core.reports.status import locked_for
from core.reports.submit import reporter
from storage.enums import ReportStatus
from storage.models import AnswerTemplate, Report

#: The values a template may name, filled in from the ticket in the resident's language.
PLACEHOLDERS = frozenset({"ref", "service", "address", "status"})


@dataclass(frozen=True)
class TemplateDef:
    service: str
    code: str
    status: ReportStatus | None
    label: str
    texts: dict[str, str]  # per language


@dataclass(frozen=True)
class Offered:
    id: int  # one row of the template (any language): the button's argument
    code: str
    label: str
    status: ReportStatus | None


def check_placeholders(body: str) -> None:
    """Only the known ``{names}`` and well-formed braces; raises ``ValueError`` saying which."""
    names = {name for _, name, _, _ in Formatter().parse(body) if name is not None}
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        raise ValueError(f"unknown placeholder {{{unknown[0]}}} (known: {known})")


async def sync_config(s: AsyncSession, defs: Iterable[TemplateDef], now: datetime) -> int:
    """Add the configured templates the table lacks; edited ones are left as they are."""
    rows = await s.execute(
        select(AnswerTemplate.service_code, AnswerTemplate.code, AnswerTemplate.lang)
    )
    have = {(service, code, lang) for service, code, lang in rows}
    added = 0
    for d in defs:
        for lang, body in d.texts.items():
            if (d.service, d.code, lang) in have:
                continue
            s.add(
                AnswerTemplate(
                    service_code=d.service,
                    code=d.code,
                    status=d.status,
                    lang=lang,
                    label=d.label,
                    body=body,
                    updated_at=now,
                    updated_by="config",
                )
            )
            added += 1
    return added


async def offered(s: AsyncSession, service: str) -> list[Offered]:
    """The service's templates, one per code."""
    rows = (
        await s.scalars(
            select(AnswerTemplate)
            .where(AnswerTemplate.service_code == service)
            .order_by(AnswerTemplate.code, AnswerTemplate.id)
        )
    ).all()
    seen: dict[str, Offered] = {}
    for r in rows:
        seen.setdefault(r.code, Offered(r.id, r.code, r.label, r.status))
    return list(seen.values())


async def _in_language(
    s: AsyncSession, template_id: int, service: str, lang: str, default: str
) -> AnswerTemplate:
    """The template ``template_id`` names, in ``lang`` (else the town's language)."""
    picked = await s.get(AnswerTemplate, template_id)
    if picked is None or picked.service_code != service:
        raise NotAllowed("agent.stale_button")  # another service's, or removed
    rows = (
        await s.scalars(
            select(AnswerTemplate).where(
                AnswerTemplate.service_code == service, AnswerTemplate.code == picked.code
            )
        )
    ).all()
    by_lang = {r.lang: r for r in rows}
    return by_lang.get(lang) or by_lang.get(default) or picked


def fill(body: str, deps: Deps, row: Report, lang: str) -> str:
    """The template with the ticket's values, in the resident's language."""
    t = deps.texts.lang(lang)
    values = {
        "ref": f"#{row.id}",
        "service": deps.catalogue.name(row.service_code, lang),
        "address": row.address or t("card.no_place"),
        "status": t(f"status.{row.status.value}"),
    }
    return body.format_map(values)


async def use(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, template_id: int, now: datetime
) -> notes.ReplyDraft:
    """A reply drafted from a template, in the resident's language, shown before sending."""
    row = await locked_for(s, deps, by, report_id)
    who = await reporter(s, report_id)
    lang = deps.texts.pick(who.language)
    tpl = await _in_language(s, template_id, row.service_code, lang, deps.lang)
    if tpl.status is not None:  # the status it sets is what the resident reads of it
        row_status, row.status = row.status, tpl.status
        text = fill(tpl.body, deps, row, lang)
        row.status = row_status
    else:
        text = fill(tpl.body, deps, row, lang)
    return await notes.draft_reply(s, deps, by, report_id, text, now, status=tpl.status)


@dataclass(frozen=True)
class Editable:
    id: int
    service: str
    code: str
    lang: str
    status: ReportStatus | None
    label: str
    body: str


def may_edit(deps: Deps, user_id: int) -> bool:
    return user_id in deps.settings.administrators


async def editable(s: AsyncSession, deps: Deps, user_id: int) -> list[Editable]:
    """Every template, for an administrator (``bot.administrators``) only."""
    if not may_edit(deps, user_id):
        raise NotAllowed("agent.not_allowed")
    rows = await s.scalars(
        select(AnswerTemplate).order_by(
            AnswerTemplate.service_code, AnswerTemplate.code, AnswerTemplate.lang
        )
    )
    return [Editable(r.id, r.service_code, r.code, r.lang, r.status, r.label, r.body) for r in rows]


async def edit(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    template_id: int,
    label: str,
    body: str,
    now: datetime,
) -> None:
    """An administrator changes a template's words; a wrong placeholder is refused."""
    if not may_edit(deps, by.telegram_user_id):
        raise NotAllowed("agent.not_allowed")
    row = await s.get(AnswerTemplate, template_id)
    if row is None:
        raise NotAllowed("agent.stale_button")
    try:
        check_placeholders(body)
    except ValueError as exc:
        raise NotAllowed("templates.bad_placeholder") from exc
    if not body.strip() or not label.strip():
        raise NotAllowed("templates.empty")
    row.label, row.body = label.strip()[:64], body.strip()
    row.updated_at, row.updated_by = now, by.name[:128]
