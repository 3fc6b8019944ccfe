"""/me: what a resident co-produced; /privacy: the reports they joined are theirs too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from core.deps import Deps
from core.reports import duplicates, metoo
from core.residents import privacy, recognition
from storage.enums import IdeaAnswerKind, IdeaState, OutboxKind, ReportStatus
from storage.models import CoReporter, Idea, IdeaAnswer, IdeaSupport, OutboxMessage
from tests.core.engagement.test_questionnaire import new_report, resident, set_status


def _idea(author: int, state: IdeaState, now: datetime) -> Idea:
    published = now if state is IdeaState.PUBLISHED else None
    return Idea(
        resident_id=author,
        service_code="water",
        text="Des fontaines",
        redacted_text="Des fontaines",
        lang="fr",
        state=state,
        created_at=now,
        published_at=published,
    )


async def test_the_figures_of_a_resident(svc: Deps) -> None:
    now = svc.clock()
    mine_fixed, mine_open = await new_report(svc, uid=71), await new_report(svc, uid=71)
    joined_fixed, joined_open = await new_report(svc, uid=90), await new_report(svc, uid=90)
    async with svc.sessions() as s:
        me = await resident(s, svc, 71)
        other = await resident(s, svc, 90)
        for rid in (joined_fixed, joined_open):
            assert await duplicates.join(s, rid, me.id, now)
        published, pending = (
            _idea(me.id, IdeaState.PUBLISHED, now),
            _idea(me.id, IdeaState.PENDING_REVIEW, now),
        )
        backed, ignored = (
            _idea(other.id, IdeaState.PUBLISHED, now),
            _idea(other.id, IdeaState.PUBLISHED, now),
        )
        s.add_all([published, pending, backed, ignored])
        await s.flush()
        s.add(IdeaSupport(idea_id=backed.id, resident_id=me.id, created_at=now))
        s.add_all(
            IdeaAnswer(idea_id=i.id, kind=IdeaAnswerKind.UNDER_STUDY, text="Vu", created_at=now)
            for i in (published, published, backed, ignored)
        )
        await s.commit()
    await set_status(svc, mine_fixed, ReportStatus.RESOLVED)
    await set_status(svc, joined_fixed, ReportStatus.RESOLVED)
    await set_status(svc, mine_open, ReportStatus.REJECTED)  # closed, not resolved

    async with svc.sessions() as s:
        done = await recognition.of_resident(s, me.id)
        nothing = await recognition.of_resident(s, (await resident(s, svc, 99)).id)
    assert done == recognition.Contribution(
        reports=2,
        reports_resolved=1,
        co_reports=2,
        co_reports_resolved=1,
        ideas=2,
        ideas_published=1,
        supports=1,
        answers=3,  # two on her idea, one on the idea she supports; not the fourth
    )
    en = recognition.text(done, svc.texts.lang("en"))
    assert "📝 Reports: 2, of which 1 resolved" in en
    assert "🙋 Reports joined (“me too”): 2, of which 1 resolved" in en
    assert "💡 Ideas proposed: 2, of which 1 published" in en
    assert "👍 Ideas supported: 1" in en and "answers received on your ideas" in en
    fr = recognition.text(done, svc.texts.lang("fr"))
    assert "📝 Signalements : 2, dont 1 résolu(s)" in fr and "Idées soutenues : 1" in fr
    assert nothing.nothing_yet
    assert recognition.text(nothing, svc.texts.lang("fr")).startswith("Vous n'avez encore rien")


async def test_export_holds_the_reports_joined_and_erasure_removes_them(svc: Deps) -> None:
    rid = await new_report(svc, uid=90)
    async with svc.sessions() as s:
        me = await resident(s, svc, 71)
        assert await metoo.join_and_refresh(s, svc, rid, me.id, svc.clock())
        await s.commit()
    async with svc.sessions() as s:
        doc = await privacy.export(s, me.id)
        erased = await privacy.erase(s, svc, me.id, svc.clock())
        await s.commit()
        left = await s.scalar(select(func.count()).select_from(CoReporter))
    assert doc["co_reports"] == [
        {
            "reference": rid,
            "service": "water",
            "status": "new",
            "joined_at": svc.clock().isoformat(),
        }
    ]
    assert erased.reports == 0 and left == 0
    async with svc.sessions() as s:
        edits = (
            await s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == OutboxKind.EDIT_CARD)
                .order_by(OutboxMessage.id)
            )
        ).all()
    joined_card, erased_card = (e.payload["text"] for e in edits)
    assert "1 autre(s) habitant(s)" in joined_card
    assert f"#{rid}" in erased_card and "autre(s) habitant(s)" not in erased_card
