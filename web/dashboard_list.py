"""The dashboard's ticket list (search, filters, pages, the map of the open tickets) and the
CSV export. The query string parses into :class:`core.agents.ticket_filter.TicketFilter`;
what a filter means is decided there."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from core.actors import NotAllowed
from core.agents import dashboard
from core.agents.access import Agent
from core.agents.ticket_filter import MAX_SEARCH, TicketFilter
from core.callbacks.codec import CallbackError, parse_user_id
from core.enums import OPEN_STATUSES, ReportStatus
from core.reports.due import is_overdue
from core.reports.priority import urgency_mark
from web.dashboard_common import csrf_of, ctx_of, logged_in, refused, short, when
from web.pages import HEADERS, message, render, with_map

#: The query keys the list understands (a page link keeps them).
KEYS = ("status", "service", "q", "urgency", "from", "until", "assignee", "mine", "overdue")
DONE = {"ack", "prog", "res", "rej", "mv", "dupof", "take", "rel", "to", "note", "reply", "tpl"}
DONE |= {"send", "drop", "reopen", "hidet", "hidep"}


class BadQuery(ValueError):
    """A query string the list does not understand."""


def _statuses(picked: str) -> frozenset[ReportStatus]:
    if picked == "open":
        return OPEN_STATUSES
    if picked == "closed":
        return frozenset(ReportStatus) - OPEN_STATUSES
    if picked == "all":
        return frozenset(ReportStatus)
    try:
        return frozenset({ReportStatus(picked)})
    except ValueError:
        raise BadQuery(picked) from None


def _day(raw: str, tz: ZoneInfo, after: bool) -> datetime | None:
    """The start of a day in the town's time (of the next day for ``after``), or None."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(raw) from None
    if after:
        day += timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def parse_filter(query: dict[str, str], tz: ZoneInfo, me: int | None = None) -> TicketFilter:
    """The filter of a list's query string; :class:`BadQuery` if it makes no sense. ``me``:
    the agent's Telegram id, for "mine"."""
    urgency = query.get("urgency", "")
    if urgency not in ("", "urgent", "maybe", "normal"):
        raise BadQuery(urgency)
    if query.get("mine", "") not in ("", "1") or query.get("overdue", "") not in ("", "1"):
        raise BadQuery("mine/overdue")
    who = query.get("assignee", "")
    if query.get("mine") == "1":
        who = "me"
    if who == "me":
        assignee: int | None = me
    elif who in ("", "none"):
        assignee = None
    else:
        try:
            assignee = parse_user_id(who)
        except CallbackError as exc:
            raise BadQuery("assignee") from exc
    search = query.get("q", "")
    if len(search) > MAX_SEARCH:
        raise BadQuery("q")
    return TicketFilter(
        statuses=_statuses(query.get("status", "open")),
        service=query.get("service") or None,
        search=search.strip(),
        urgent=None if not urgency else urgency == "urgent",
        may_be_urgent=None if urgency in ("", "urgent") else urgency == "maybe",
        received_from=_day(query.get("from", ""), tz, after=False),
        received_before=_day(query.get("until", ""), tz, after=True),
        assignee=assignee,
        unassigned=who == "none",
        overdue=query.get("overdue") == "1",
    )


def _page(raw: str) -> int:
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        raise BadQuery(raw)
    return int(raw)


@logged_in
async def tickets(request: web.Request, agent: Agent) -> web.StreamResponse:
    ctx = ctx_of(request)
    deps = ctx.deps
    lang = agent.lang
    t = deps.texts.lang(lang)
    csrf = csrf_of(request)
    picked = {k: request.query.get(k, "") for k in KEYS}
    picked["status"] = picked["status"] or "open"
    try:
        f = parse_filter(picked, deps.settings.tz, agent.telegram_user_id)
        page = _page(request.query.get("page", ""))
    except BadQuery:
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    try:
        async with deps.sessions() as s:
            found = await dashboard.tickets(s, agent, f, page)
            who_has = await dashboard.assignees(s, agent)
    except NotAllowed as exc:
        return refused(request, exc, agent)
    rows = [
        {
            "id": x.report.id,
            "urgent": x.report.urgent,
            "urgency": urgency_mark(x.report, t),
            "service": deps.catalogue.name(x.report.service, lang),
            "status": t(f"status.{x.report.status.value}"),
            "date": when(deps, x.report.created_at),
            "place": x.report.address or "",
            "text": short(x.report.redacted_text),
            "co_reporters": x.co_reporters,
            "assignee": x.report.assignee_name or "",
            "overdue": is_overdue(x.report),
        }
        for x in found.tickets
    ]
    kept = {k: v for k, v in picked.items() if v}

    def page_link(n: int) -> str:
        return "/dashboard?" + urlencode({**kept, "page": n})

    pins = [
        {
            "id": p.id,
            "lat": p.lat,
            "lon": p.lon,
            "urgent": p.urgent,
            "label": f"#{p.id} · {t(f'status.{p.status.value}')}",
        }
        for p in found.pins
    ]
    status_choices = [
        ("open", t("dashboard.open")),
        ("closed", t("dashboard.closed")),
        ("all", t("dashboard.all")),
        *((st.value, t(f"status.{st.value}")) for st in ReportStatus),
    ]
    done = request.query.get("done", "")
    return render(
        request,
        "tickets.html",
        agent,
        headers=with_map(ctx.options.tile_url),
        title=t("dashboard.title"),
        csrf=csrf,
        rows=rows,
        total=found.total,
        page=found.page,
        pages=found.pages,
        previous=page_link(found.page - 1) if found.page > 1 else "",
        next=page_link(found.page + 1) if found.page < found.pages else "",
        counts=[(t(f"status.{st.value}"), found.counts.get(st, 0)) for st in ReportStatus],
        status_choices=status_choices,
        service_choices=[(c, deps.catalogue.name(c, lang)) for c in agent.services],
        assignee_choices=[
            ("", t("dashboard.anyone")),
            ("me", t("dashboard.mine")),
            ("none", t("dashboard.nobody")),
            *((str(uid), name) for uid, name in who_has if uid != agent.telegram_user_id),
        ],
        urgency_choices=[
            ("", t("dashboard.any")),
            ("urgent", t("dashboard.urgent_only")),
            ("maybe", t("dashboard.may_be_urgent")),
            ("normal", t("dashboard.not_urgent")),
        ],
        picked=picked,
        pins_json=json.dumps(pins),
        tile_url=ctx.options.tile_url,
        tile_attribution=ctx.options.tile_attribution,
        done=t("dashboard.done") if done in DONE else "",
    )


@logged_in
async def export(request: web.Request, agent: Agent) -> web.StreamResponse:
    """The agent's services' tickets as CSV: masked, without the resident."""
    deps = ctx_of(request).deps
    async with deps.sessions() as s:
        rows = await dashboard.export(s, deps, agent)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "reference",
            "service",
            "status",
            "open311_status",
            "urgent",
            "danger",
            "created_at",
            "updated_at",
            "co_reporters",
            "address",
            "lat",
            "lon",
            "text",
        ]
    )
    for x in rows:
        r = x.report
        w.writerow(
            [
                r.id,
                r.service,
                r.status.value,
                r.status.open311,
                "yes" if r.urgent else "no",
                r.danger or "",
                deps.settings.local(r.created_at).isoformat(timespec="seconds"),
                deps.settings.local(x.updated_at).isoformat(timespec="seconds"),
                x.co_reporters,
                _cell(x.address or ""),
                "" if r.lat is None else r.lat,
                "" if r.lon is None else r.lon,
                _cell(r.redacted_text),
            ]
        )
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={
            **HEADERS,
            "Content-Disposition": 'attachment; filename="senscommun-tickets.csv"',
        },
    )


def _cell(text: str) -> str:
    """A resident's words in a spreadsheet cell: never read as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
