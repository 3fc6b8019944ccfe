""" "Me too" from a shared link: a resident opens someone's report and joins it as a co-reporter.

The link is Telegram's deep link ``https://t.me/<bot>?start=r<id>_<signature>`` (it arrives as
``/start r<id>_<signature>``). The signature (an HMAC of the id under ``security.link_secret``,
or the key generated at first start: never the bot's token) means only links the bot handed
out open a report: nobody can walk through every report by counting. Keys rotate: a link signed
with an older key still accepted keeps working. What it shows is public: the reference, the
service, the status, the masked text and how many residents joined, never who reported it nor
where they typed they live.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.callbacks import MeTooAction, is_id
from core.conversation.prompts import Reply
from core.deps import Deps
from core.i18n import Translate
from core.reports import duplicates, status
from core.reports import submit as reports
from core.residents.directory import ResidentRef
from core.telegram_format import escape
from core.views import ReportView
from storage.models import Report

START_PREFIX = "r"
#: Longest masked text shown; the rest is cut (well within ``telegram_format.TEXT_LIMIT``).
TEXT_SHOWN = 1_000


#: Characters of the signature kept in a link (base64url: 60 bits, far beyond guessing).
SIGNATURE_CHARS = 10


def _signature(secret: bytes, report_id: int) -> str:
    mac = hmac.new(secret, str(report_id).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:SIGNATURE_CHARS]


def link(bot_username: str, report_id: int, secret: bytes) -> str:
    ref = f"{START_PREFIX}{report_id}_{_signature(secret, report_id)}"
    return f"https://t.me/{bot_username}?start={ref}"


def report_of_start(arg: str, keys: Sequence[bytes]) -> int | None:
    """The report a ``/start`` argument points at (``r123_<signature>``), or None when it is
    not a report link or its signature matches none of ``keys`` (the newest and the older ones
    still accepted)."""
    digits, _, sig = arg[len(START_PREFIX) :].partition("_")
    if not arg.startswith(START_PREFIX) or not is_id(digits):
        return None
    given = sig.encode()
    # Every key is tried (no early exit): the time taken does not say which one matched.
    ok = [hmac.compare_digest(given, _signature(k, int(digits)).encode()) for k in keys]
    return int(digits) if any(ok) else None


async def join_and_refresh(
    s: AsyncSession, deps: Deps, report_id: int, resident_id: int, now: datetime
) -> bool:
    """Add a co-reporter and show the new count on the agents' card; False if not added."""
    if not await duplicates.join(s, report_id, resident_id, now):
        return False
    rv = await reports.get_view(s, report_id)
    if rv is not None:
        chat = deps.catalogue.card_chat(rv.service)
        if chat is not None:
            await status.refresh_card(s, deps, rv, chat, now)
    return True


async def _refusal(s: AsyncSession, rv: ReportView, resident_id: int, t: Translate) -> str | None:
    """Why the resident may not join the report, in their words; None if they may."""
    if rv.resident_id == resident_id:
        return t("metoo.own", ref=rv.id)
    if not rv.status.is_open:
        return t("metoo.closed", ref=rv.id, status=t(f"status.{rv.status.value}"))
    if resident_id in await duplicates.co_reporter_ids(s, rv.id):
        return t("report.already_following", ref=rv.id)
    return None


async def show(s: AsyncSession, deps: Deps, who: ResidentRef, report_id: int) -> Reply:
    """The report as anyone may see it, with "Me too" when the resident may join it."""
    t = deps.texts.lang(who.language)
    rv = await reports.get_view(s, report_id)
    if rv is None:
        return Reply(t("metoo.unknown", ref=report_id))
    n = len(await duplicates.co_reporter_ids(s, rv.id))
    body = rv.redacted_text
    if await s.scalar(select(Report.text_hidden).where(Report.id == rv.id)):  # moderation
        body = t("metoo.text_hidden")
    if len(body) > TEXT_SHOWN:
        body = body[: TEXT_SHOWN - 1] + "…"
    lines = [
        t(
            "metoo.view",
            ref=rv.id,
            service=escape(deps.catalogue.name(rv.service, who.language)),
            status=t(f"status.{rv.status.value}"),
            date=deps.settings.local(rv.created_at).strftime("%d/%m/%Y"),
            text=escape(body, quote=False),
        ),
        t("metoo.co_reporters", n=n) if n else t("metoo.no_co_reporters"),
        "",
    ]
    refusal = await _refusal(s, rv, who.id, t)
    if refusal is not None:
        return Reply("\n".join([*lines, refusal]))
    button = (t("button.me_too"), MeTooAction.signed(rv.id, deps.settings.link_secret).encode())
    return Reply("\n".join([*lines, t("metoo.prompt")]), buttons=[[button]])


@dataclass(frozen=True)
class Joined:
    ok: bool
    text: str  # what to tell the resident (a pop-up when refused)


async def join(
    s: AsyncSession, deps: Deps, who: ResidentRef, action: MeTooAction, now: datetime
) -> Joined:
    """ "Me too" pressed: checked again here, whatever the button said when it was sent."""
    t = deps.texts.lang(who.language)
    if not any(action.genuine(k) for k in deps.settings.link_keys):  # forged: not the bot's
        return Joined(False, t("report.stale_button"))
    rv = await reports.get_view(s, action.report_id)
    if rv is None:
        return Joined(False, t("metoo.unknown", ref=action.report_id))
    refusal = await _refusal(s, rv, who.id, t)
    if refusal is not None:
        return Joined(False, refusal)
    if not await join_and_refresh(s, deps, rv.id, who.id, now):  # joined meanwhile
        return Joined(False, t("report.already_following", ref=rv.id))
    return Joined(True, t("report.joined", ref=rv.id))
