"""The ticket card shown in a service's agents chat, with its buttons (plain data)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.callbacks import AgentAction, AgentVerb
from core.catalogue import Catalogue
from core.deps import Deps
from core.i18n import Texts
from core.messages import Buttons
from core.reports.due import is_overdue
from core.reports.priority import urgency_mark
from core.telegram_format import CAPTION_LIMIT, TEXT_LIMIT, escape, visible_length
from core.views import ReportView
from nlp.redact import redact

if TYPE_CHECKING:  # templates sit above the cards (they draft replies)
    from core.reports.templates import Offered


def card_text(
    report: ReportView,
    reporter_first_name: str,
    deps: Deps,
    set_by: str | None = None,
    co_reporters: int = 0,
    photo_card: bool = False,
) -> str:
    """The card's text, within Telegram's limit (a photo's caption is shorter than a message;
    ``photo_card``: the card was sent with a photo that is no longer ours, after an erasure)."""
    limit = CAPTION_LIMIT if report.photo_file_id or photo_card else TEXT_LIMIT
    catalogue, lang = deps.catalogue, deps.lang
    t = deps.texts.lang(lang)
    head = f"<b>#{report.id}</b> · {escape(catalogue.name(report.service, lang))}"
    if mark := urgency_mark(report, t):
        head = f"{mark} {head}"
    if is_overdue(report):
        head = f"{t('card.overdue')} {head}"
    place = t("card.no_place")
    if report.address:  # typed by the resident: a phone number there is masked like the text
        place = escape(redact(report.address, lang))
    if report.map_url:
        label = place if report.address else f"{report.lat:.5f}, {report.lon:.5f}"
        place = f'<a href="{escape(report.map_url)}">{label}</a>'
    status = t(f"status.{report.status.value}")
    if set_by:
        status = t("card.status_by", status=status, name=escape(set_by))
    if report.duplicate_of:
        status += f" (#{report.duplicate_of})"
    filed = deps.settings.local(report.created_at)
    lines = [
        head,
        "",
        "{body}",
        "",
        f"📍 {place}",
        f"👤 {escape(reporter_first_name or '?')} · {filed:%d/%m/%Y %H:%M}",
        t("card.status", status=status),
    ]
    if co_reporters:
        lines.append(t("card.co_reporters", n=co_reporters))
    if report.assignee_name and report.status.is_open:
        lines.append(t("card.assignee", name=escape(report.assignee_name)))
    skeleton = "\n".join(lines)
    room = max(limit - visible_length(skeleton.replace("{body}", "")), 40)
    body = report.redacted_text
    if len(body) > room:
        body = body[: room - 1] + "…"
    return skeleton.replace("{body}", f"<i>{escape(body)}</i>", 1)


def card_buttons(report: ReportView, texts: Texts, lang: str) -> Buttons:
    """An open report's actions; a closed one's card offers only to reopen it."""
    t = texts.lang(lang)

    def b(verb: AgentVerb) -> tuple[str, str]:
        return (t(f"button.{verb.value}"), AgentAction(verb, report.id).encode())

    if not report.status.is_open:
        return [[b(AgentVerb.REOPEN)]]
    who = b(AgentVerb.RELEASE) if report.assignee_id else b(AgentVerb.TAKE)
    return [
        [b(AgentVerb.ACK), b(AgentVerb.PROGRESS)],
        [b(AgentVerb.RESOLVE), b(AgentVerb.NOT_OURS)],
        [b(AgentVerb.DUPLICATE), b(AgentVerb.REJECT)],
        [who, b(AgentVerb.HAND)],
        [b(AgentVerb.ANSWER)],
        [b(AgentVerb.HIDE_TEXT), *([b(AgentVerb.HIDE_PHOTO)] if report.photo_file_id else [])],
    ]


def colleague_picker(
    report: ReportView, colleagues: list[tuple[int, str]], texts: Texts, lang: str
) -> Buttons:
    """Buttons to hand a report to an agent of its service (after "Hand over")."""
    rows: Buttons = [
        [(name[:40], AgentAction(AgentVerb.HAND_TO, report.id, str(uid)).encode())]
        for uid, name in colleagues
    ]
    rows.append([(texts.get(lang, "button.back"), AgentAction(AgentVerb.BACK, report.id).encode())])
    return rows


def service_picker(report: ReportView, catalogue: Catalogue, texts: Texts, lang: str) -> Buttons:
    """Buttons to move a report to another service (after "Not ours")."""
    others = [s for s in catalogue if s.code != report.service]
    rows: Buttons = []
    for i in range(0, len(others), 2):
        rows.append(
            [
                (s.name(lang), AgentAction(AgentVerb.MOVE, report.id, s.code).encode())
                for s in others[i : i + 2]
            ]
        )
    rows.append([(texts.get(lang, "button.back"), AgentAction(AgentVerb.BACK, report.id).encode())])
    return rows


def duplicate_picker(
    report: ReportView, candidates: list[ReportView], texts: Texts, lang: str
) -> Buttons:
    rows: Buttons = []
    for c in candidates:
        label = f"#{c.id} · {c.redacted_text[:40]}"
        rows.append([(label, AgentAction(AgentVerb.DUPLICATE_OF, report.id, str(c.id)).encode())])
    rows.append([(texts.get(lang, "button.back"), AgentAction(AgentVerb.BACK, report.id).encode())])
    return rows


def answer_picker(report: ReportView, offered: list[Offered], texts: Texts, lang: str) -> Buttons:
    """The service's templates (a status one says which status it sets), then "Back"."""
    t = texts.lang(lang)
    rows: Buttons = []
    for o in offered:
        label = o.label if o.status is None else f"{o.label} → {t(f'status.{o.status.value}')}"
        rows.append([(label[:60], AgentAction(AgentVerb.TEMPLATE, report.id, str(o.id)).encode())])
    rows.append([(t("button.back"), AgentAction(AgentVerb.BACK, report.id).encode())])
    return rows
