"""Micro-surveys: defined in config or from the command line, sent in rounds (campaigns) on a
cron schedule or once, answered with one button press, at most once per round.

Consent is asked once and is off until the resident says yes; ``/surveys`` stops or resumes.
The cap between two surveys and quiet hours are applied when a round is written into the
outbox (``core.engagement.campaigns``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.callbacks import SurveyAnswerChoice
from core.deps import Deps
from core.engagement import campaigns
from core.engagement.audience import Audience
from core.engagement.campaigns import Content
from core.i18n import Texts
from core.telegram_format import escape
from storage import sql
from storage.enums import CampaignKind, SurveyType
from storage.models import Campaign, OutboxMessage, Resident, Survey, SurveyAnswer

TYPES = tuple(t.value for t in SurveyType)


@dataclass(frozen=True)
class SurveyDef:
    code: str
    question: dict[str, str]
    type: SurveyType = SurveyType.RATING
    choices: tuple[dict[str, str], ...] = ()
    audience: Audience = field(default_factory=Audience)
    schedule: str | None = None  # cron, in the town's timezone
    send_at: datetime | None = None
    expires_after_hours: int = 72

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"survey type must be one of {', '.join(TYPES)}")
        object.__setattr__(self, "type", SurveyType(self.type))  # a member, even from a string
        if self.type == SurveyType.CHOICE and not 2 <= len(self.choices) <= 8:
            raise ValueError("a choice survey needs 2 to 8 choices")
        if self.schedule:
            next_run(self.schedule, ZoneInfo("UTC"), datetime.now(ZoneInfo("UTC")))


def next_run(schedule: str, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The next time ``schedule`` (standard cron) fires strictly after ``after``, in the town's
    timezone, through APScheduler's cron trigger (the JobQueue's own scheduler)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(f"{schedule!r}: a cron expression has 5 fields")
    minute, hour, day, month, dow = fields
    trigger = CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_apscheduler_dow(dow),
        timezone=tz,
    )
    fire: datetime | None = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
    return fire.astimezone(UTC) if fire else None


_DAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}


def _apscheduler_dow(field: str) -> str:
    """Standard cron counts weekdays from Sunday (0 or 7); APScheduler 3 from Monday (0), even
    in ``from_crontab``: "1" would mean Tuesday. Expand the field and renumber it."""
    if field == "*":
        return "*"

    def day(token: str) -> int:
        return _DAYS[token] if token in _DAYS else int(token)

    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_s = part.partition("/")
        step = int(step_s) if step_s else 1
        if span == "*":
            lo, hi = 0, 6
        elif "-" in span:
            a, b = span.split("-", 1)
            lo, hi = day(a), day(b)
        else:
            lo = day(span)
            hi = 6 if step_s else lo
        if not (0 <= lo <= 7 and 0 <= hi <= 7):
            raise ValueError(f"{field!r}: a weekday is 0-7 or sun-sat")
        days.update(d % 7 for d in range(lo, hi + 1, step))
    return ",".join(str((d - 1) % 7) for d in sorted(days))


def _first_run(d: SurveyDef, tz: ZoneInfo, now: datetime) -> datetime | None:
    if d.schedule:
        return next_run(d.schedule, tz, now)
    return d.send_at


async def upsert(
    s: AsyncSession, d: SurveyDef, now: datetime, tz: ZoneInfo, from_config: bool = False
) -> Survey:
    """Create the survey, or update its definition (a config reload); a changed schedule or
    send time is recomputed, an unchanged one keeps its next run."""
    sv = await s.scalar(select(Survey).where(Survey.code == d.code))
    if sv is None:
        sv = Survey(code=d.code, created_at=now, active=True, from_config=from_config)
        s.add(sv)
        changed = True
    else:
        changed = sv.schedule != d.schedule or sv.send_at != d.send_at
    sv.question = dict(d.question)
    sv.type = d.type
    sv.choices = {"items": [dict(c) for c in d.choices]}
    sv.audience = d.audience.to_json()
    sv.schedule, sv.send_at = d.schedule, d.send_at
    sv.expires_after_hours = d.expires_after_hours
    if changed:
        sv.next_run_at = _first_run(d, tz, now)
    await s.flush()
    return sv


async def sync_config(s: AsyncSession, defs: list[SurveyDef], now: datetime, tz: ZoneInfo) -> None:
    """Surveys from config: created or updated; those removed from config stop."""
    codes = {d.code for d in defs}
    for d in defs:
        await upsert(s, d, now, tz, from_config=True)
    for sv in (await s.scalars(select(Survey).where(Survey.from_config.is_(True)))).all():
        if sv.code not in codes:
            sv.active = False


def content(sv: Survey, campaign_id: int, texts: Texts) -> dict[str, Content]:
    """The question and its buttons, per language."""
    out = {}
    for lang in texts.languages:
        t = texts.lang(lang)
        if sv.type == SurveyType.RATING:
            labels = [(f"{'⭐' * n}", str(n)) for n in range(1, 6)]
            rows = [[(label, SurveyAnswerChoice(campaign_id, v).encode()) for label, v in labels]]
        elif sv.type == SurveyType.YES_NO:
            rows = [
                [
                    (t("button.survey_yes"), SurveyAnswerChoice(campaign_id, "y").encode()),
                    (t("button.survey_no"), SurveyAnswerChoice(campaign_id, "n").encode()),
                ]
            ]
        else:
            items = sv.choices.get("items", [])
            rows = [
                [
                    (
                        str(c.get(lang) or next(iter(c.values()))),
                        SurveyAnswerChoice(campaign_id, f"c{i}").encode(),
                    )
                ]
                for i, c in enumerate(items)
            ]
        question = str(sv.question.get(lang) or next(iter(sv.question.values())))
        out[lang] = Content(t("survey.intro", question=escape(question)), rows)
    return out


async def start_round(svc: Deps, s: AsyncSession, sv: Survey, now: datetime) -> Campaign:
    c = await campaigns.start(
        s,
        CampaignKind.SURVEY,
        Audience.from_json(sv.audience),
        now,
        survey_id=sv.id,
        expires_at=now + timedelta(hours=sv.expires_after_hours),
    )
    campaigns.set_content(c, content(sv, c.id, svc.texts))
    return c


async def start_due(svc: Deps) -> int:
    """The job: start a round of every survey whose time has come, and plan the next one."""
    started = 0
    async with svc.writing() as s:
        now = svc.clock()
        due = (
            await s.scalars(
                sql.claimable(
                    select(Survey)
                    .where(Survey.active.is_(True), Survey.next_run_at <= now)
                    .order_by(Survey.id)
                )
            )
        ).all()
        for sv in due:
            await start_round(svc, s, sv, now)
            sv.next_run_at = next_run(sv.schedule, svc.settings.tz, now) if sv.schedule else None
            started += 1
        await s.commit()
    if started:
        await campaigns.expand_all(svc)
    return started


async def send_now(svc: Deps, code: str) -> Campaign | None:
    """A round at once (``senscommun survey send``), whatever the schedule."""
    async with svc.writing() as s:
        sv = await s.scalar(select(Survey).where(Survey.code == code))
        if sv is None:
            return None
        c = await start_round(svc, s, sv, svc.clock())
        await s.commit()
    await campaigns.expand_all(svc)
    return c


class AnswerRefused(Exception):
    """Why an answer was not taken: its text key for the resident."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


async def answer(
    s: AsyncSession, resident_id: int, chat_id: int, choice: SurveyAnswerChoice, now: datetime
) -> Survey:
    """Record an answer once; refuses a round this chat was not sent, an expired round, a value
    the survey does not offer, or a second answer."""
    c = await s.get(Campaign, choice.campaign_id)
    sent = await s.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.campaign_id == choice.campaign_id, OutboxMessage.chat_id == chat_id
        )
    )
    if c is None or c.survey_id is None or sent is None:
        raise AnswerRefused("survey.not_yours")
    if c.expires_at is not None and c.expires_at <= now:
        raise AnswerRefused("survey.closed")
    sv = await s.get_one(Survey, c.survey_id)
    if choice.value not in allowed_values(sv):
        raise AnswerRefused("survey.not_yours")
    try:
        async with s.begin_nested():
            s.add(
                SurveyAnswer(
                    campaign_id=c.id,
                    survey_id=sv.id,
                    resident_id=resident_id,
                    value=choice.value,
                    answered_at=now,
                )
            )
    except IntegrityError as exc:
        raise AnswerRefused("survey.already") from exc
    return sv


def answer_values(type_: SurveyType, choices: int) -> tuple[str, ...]:
    """The values an answer may take, in display order (results use the same)."""
    if type_ == SurveyType.RATING:
        return ("1", "2", "3", "4", "5")
    if type_ == SurveyType.YES_NO:
        return ("y", "n")
    return tuple(f"c{i}" for i in range(choices))


def allowed_values(sv: Survey) -> tuple[str, ...]:
    return answer_values(sv.type, len(sv.choices.get("items", [])))


# --- consent -------------------------------------------------------------------------------


async def should_ask_consent(s: AsyncSession, resident_id: int) -> bool:
    """True once: the first time it is called for a resident never asked (marks them asked)."""
    who = await s.get_one(Resident, resident_id)
    if who.consent_surveys_asked or who.consent_surveys is not None:
        return False
    who.consent_surveys_asked = True
    return True


async def set_consent(s: AsyncSession, resident_id: int, yes: bool) -> None:
    who = await s.get_one(Resident, resident_id)
    who.consent_surveys, who.consent_surveys_asked = yes, True


async def consent_of(s: AsyncSession, resident_id: int) -> bool:
    return bool(await s.scalar(select(Resident.consent_surveys).where(Resident.id == resident_id)))


async def listing(s: AsyncSession) -> list[dict[str, Any]]:
    rows = (await s.scalars(select(Survey).order_by(Survey.id))).all()
    out = []
    for sv in rows:
        rounds = await s.scalar(
            select(Campaign.id).where(Campaign.survey_id == sv.id).order_by(Campaign.id.desc())
        )
        out.append(
            {
                "code": sv.code,
                "type": sv.type,
                "audience": Audience.from_json(sv.audience).describe(),
                "schedule": sv.schedule or (sv.send_at.isoformat() if sv.send_at else "-"),
                "next_run_at": sv.next_run_at.isoformat() if sv.next_run_at else "-",
                "active": sv.active,
                "last_round": rounds,
            }
        )
    return out


def label_of(sv: Survey, value: str, lang: str, t: Any) -> str:
    """How an answer reads to the resident who gave it."""
    if sv.type == SurveyType.RATING:
        return "⭐" * int(value)
    if sv.type == SurveyType.YES_NO:
        return str(t("button.survey_yes" if value == "y" else "button.survey_no"))
    items = sv.choices.get("items", [])
    item = items[int(value[1:])]
    return str(item.get(lang) or next(iter(item.values())))
