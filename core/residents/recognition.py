"""What a resident co-produced with the town (``/me``): their reports and what became of them,
the reports they joined, their ideas, their supports and the official answers they brought.

Only the resident sees these figures, in their private chat; nothing here is ever public.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translate
from storage.enums import ReportStatus
from storage.models import CoReporter, Idea, IdeaAnswer, IdeaSupport, Report


@dataclass(frozen=True)
class Contribution:
    reports: int
    reports_resolved: int
    co_reports: int  # reports of others they joined ("same problem", "me too")
    co_reports_resolved: int
    ideas: int
    ideas_published: int
    supports: int
    answers: int  # official answers to their ideas and to the ideas they support

    @property
    def nothing_yet(self) -> bool:
        return not (self.reports or self.co_reports or self.ideas or self.supports)


async def _count(s: AsyncSession, query: Select[int]) -> int:
    return int(await s.scalar(query) or 0)


async def of_resident(s: AsyncSession, resident_id: int) -> Contribution:
    count = func.count()
    resolved = Report.status == ReportStatus.RESOLVED
    own = select(count).select_from(Report).where(Report.resident_id == resident_id)
    joined = (
        select(count)
        .select_from(CoReporter)
        .join(Report, Report.id == CoReporter.report_id)
        .where(CoReporter.resident_id == resident_id)
    )
    ideas = select(count).select_from(Idea).where(Idea.resident_id == resident_id)
    supports = select(count).select_from(IdeaSupport).where(IdeaSupport.resident_id == resident_id)
    theirs = select(Idea.id).where(Idea.resident_id == resident_id)
    backed = select(IdeaSupport.idea_id).where(IdeaSupport.resident_id == resident_id)
    answers = (
        select(count)
        .select_from(IdeaAnswer)
        .where(or_(IdeaAnswer.idea_id.in_(theirs), IdeaAnswer.idea_id.in_(backed)))
    )
    return Contribution(
        reports=await _count(s, own),
        reports_resolved=await _count(s, own.where(resolved)),
        co_reports=await _count(s, joined),
        co_reports_resolved=await _count(s, joined.where(resolved)),
        ideas=await _count(s, ideas),
        ideas_published=await _count(s, ideas.where(Idea.published_at.is_not(None))),
        supports=await _count(s, supports),
        answers=await _count(s, answers),
    )


def text(c: Contribution, t: Translate) -> str:
    """The figures in the resident's language (HTML)."""
    if c.nothing_yet:
        return t("me.none")
    return "\n".join(
        [
            t("me.title"),
            "",
            t("me.reports", n=c.reports, resolved=c.reports_resolved),
            t("me.co_reports", n=c.co_reports, resolved=c.co_reports_resolved),
            t("me.ideas", n=c.ideas, published=c.ideas_published),
            t("me.supports", n=c.supports),
            t("me.answers", n=c.answers),
            "",
            t("me.thanks"),
        ]
    )
