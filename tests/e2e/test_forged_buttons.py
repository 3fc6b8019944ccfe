"""One rule for every button family (``core.callbacks.codec``): a forged press naming another
resident's object changes nothing. Each family is forged here by someone who should not be
able to press it: a resident's buttons ("me too", a draft's, a questionnaire's), an agent's
card buttons, an idea's review buttons."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.enums import IdeaState, QuestionnaireState, ReportStatus
from storage.models import (
    CoReporter,
    Idea,
    IdeaSupport,
    Questionnaire,
    Report,
    SurveyAnswer,
)
from tests.conftest import WATER_CHAT, Clock
from tests.e2e.conftest import JOHN, MARIE, STRANGER, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


def _refused(env: Env) -> bool:
    call = env.api.of("answerCallbackQuery")[-1]
    return bool(call.params.get("text"))


async def _forge(env: Env, who_chat: int, data: str, who=JOHN) -> None:  # type: ignore[no-untyped-def]
    s = env.story
    chat = s.updates.private(who) if who_chat > 0 else s.updates.group(who_chat)
    await s.post(s.updates.press(who, chat, 1, data))
    assert _refused(env), data


async def test_forged_presses_of_every_family_change_nothing(env: Env, clock: Clock) -> None:
    s, john = env.story, JOHN.user_id
    rid = await _report(env, MARIE, "Grosse fuite d'eau sur le trottoir rue Victor Hugo")

    # resident family: "me too" unsigned, or with another report's signature; a draft's
    # "same problem" naming a report never offered to the presser.
    await _forge(env, john, f"m:{rid}")
    await _forge(env, john, f"m:{rid}:AAAAAAAAAA")
    await _forge(env, john, f"d:same:1:{rid}")
    # agent family: a resident in private, a stranger in the agents' group.
    await _forge(env, john, f"a:res:{rid}")
    await _forge(env, WATER_CHAT, f"a:res:{rid}", who=STRANGER)
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(CoReporter)) == 0
        assert (await db.get_one(Report, rid)).status is ReportStatus.NEW

    # engagement family: Marie's "is it fixed?" answered by John.
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    clock.advance(hours=25)
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    async with env.runtime.deps.sessions() as db:
        qid = await db.scalar(select(Questionnaire.id))
    assert qid is not None
    await _forge(env, john, f"q:ans:{qid}:no")
    async with env.runtime.deps.sessions() as db:
        q = await db.get_one(Questionnaire, qid)
        assert q.state is not QuestionnaireState.ANSWERED and q.answer is None
        assert (await db.get_one(Report, rid)).status is ReportStatus.RESOLVED

    # engagement family: an answer to a survey round never sent to John's chat.
    await _forge(env, john, "sv:1:1")
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(SurveyAnswer)) == 0

    # ideas family: a resident publishing an idea under review, or supporting it.
    await s.say(MARIE, "/idea Une fontaine d'eau potable place Bellecour")
    async with env.runtime.deps.sessions() as db:
        idea_id = await db.scalar(select(Idea.id))
    await _forge(env, john, f"i:ok:{idea_id}")
    await _forge(env, john, f"i:sup:{idea_id}:0")
    async with env.runtime.deps.sessions() as db:
        assert (await db.get_one(Idea, idea_id)).state is IdeaState.PENDING_REVIEW
        assert await db.scalar(select(func.count()).select_from(IdeaSupport)) == 0
