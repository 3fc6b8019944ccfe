"""Surveys and broadcasts end to end: consent, /surveys, /subscribe, answers once, 403 marks a
resident blocked, and a worker that dies mid-campaign resumes with nothing lost or sent twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.cli.campaigns import sync_surveys
from bot.demo.simulate import Person
from core.engagement import campaigns
from storage import outbox, outbox_admin
from storage.enums import OutboxState
from storage.models import OutboxMessage, Resident, SurveyAnswer
from tests.conftest import Clock
from tests.e2e.conftest import JOHN, MARIE, Env
from tests.e2e.test_story import _report


async def _survey_config(env: Env) -> None:
    cfg = env.config.model_copy(
        update={
            "surveys": env.config.surveys.model_validate(
                {
                    "items": [
                        {
                            "code": "proprete",
                            "question": {
                                "fr": "La ville est-elle propre ?",
                                "en": "Is the town clean?",
                            },
                            "type": "rating",
                            "schedule": "0 10 * * 1",
                        }
                    ]
                }
            )
        }
    )
    await sync_surveys(env.runtime.deps, cfg)


def _survey_buttons(env: Env, chat: int) -> list[str]:
    return [str(b["callback_data"]) for row in env.api.last_buttons(chat) for b in row]


async def test_survey_story_consent_round_answer_once_and_stop(env: Env, clock: Clock) -> None:
    api, s = env.api, env.story
    await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    await s.press(MARIE, MARIE.user_id, "c:surveys:y")  # the one-time question, after a report
    assert "au plus une petite question par semaine" in api.texts(MARIE.user_id)[-1]
    await _report(env, JOHN, "Water leak on Elm Street")  # John never says yes: off
    await _survey_config(env)

    clock.now = datetime(2026, 11, 30, 9, 0, 30, tzinfo=UTC)  # Monday, 10:00 in Paris
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    question = api.texts(MARIE.user_id)[-1]
    assert "La ville est-elle propre ?" in question
    assert not any("clean?" in t for t in api.texts(JOHN.user_id))
    four = next(d for d in _survey_buttons(env, MARIE.user_id) if d.endswith(":4"))
    await s.press(MARIE, MARIE.user_id, four)
    assert "Votre réponse : ⭐⭐⭐⭐" in api.texts(MARIE.user_id)[-1]  # the question, edited
    await s.press(MARIE, MARIE.user_id, four)  # again: refused, counted once
    assert api.of("answerCallbackQuery")[-1].params.get("show_alert") is True
    async with env.runtime.deps.sessions() as ses:
        assert list((await ses.scalars(select(SurveyAnswer.value))).all()) == ["4"]

    await s.say(MARIE, "/surveys")
    assert "Vous recevez" in api.texts(MARIE.user_id)[-1]
    await s.press(MARIE, MARIE.user_id, "c:surveys:n")
    clock.now = datetime(2026, 12, 7, 9, 0, 30, tzinfo=UTC)  # the next Monday
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    asked = [c for c in api.of("sendMessage", MARIE.user_id) if "propre ?" in c.params["text"]]
    assert len(asked) == 1  # stopped: not asked again


async def test_broadcast_to_subscribers_and_a_blocked_resident(env: Env) -> None:
    api, s, svc = env.api, env.story, env.runtime.deps
    for who in (MARIE, JOHN):
        await s.say(who, "/subscribe")
        await s.press(who, who.user_id, "t:works")
    assert "✅" in str(api.last_buttons(MARIE.user_id)[0][0]["text"])
    await s.say(Person(1003, "Zoé", "fr"), "/start")  # not subscribed
    api.blocked.add(JOHN.user_id)  # John blocked the bot: Telegram answers 403

    topic = svc.topic("works")
    assert topic is not None
    async with svc.writing() as ses:
        c = await campaigns.start_broadcast(
            ses,
            svc.texts,
            topic,
            {"fr": "Rue Pasteur fermée lundi", "en": "Pasteur St closed"},
            svc.clock(),
        )
        await ses.commit()
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    marie = api.texts(MARIE.user_id)[-1]
    assert "Rue Pasteur fermée lundi" in marie and "Travaux" in marie and "/subscribe" in marie
    assert not any("Pasteur" in t for t in api.texts(1003))
    async with svc.sessions() as ses:
        john = await ses.scalar(select(Resident).where(Resident.telegram_user_id == JOHN.user_id))
        states = Counter(
            (
                await ses.scalars(
                    select(OutboxMessage.state).where(OutboxMessage.campaign_id == c.id)
                )
            ).all()
        )
        assert john is not None and john.blocked_at is not None
    assert states == Counter({OutboxState.SENT: 1, OutboxState.BLOCKED: 1})

    # The next campaign skips John; when he writes again, he is reachable again.
    async with svc.writing() as ses:
        c2 = await campaigns.start_broadcast(ses, svc.texts, topic, {"fr": "Suite"}, svc.clock())
        await ses.commit()
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    async with svc.sessions() as ses:
        d = await campaigns.delivery(ses, c2.id)
    assert d.recipients == 1
    api.blocked.discard(JOHN.user_id)
    await s.say(JOHN, "/start")
    async with svc.sessions() as ses:
        john = await ses.scalar(select(Resident).where(Resident.telegram_user_id == JOHN.user_id))
        assert john is not None and john.blocked_at is None


async def test_a_worker_dying_mid_campaign_resumes_with_nothing_lost_or_twice(env: Env) -> None:
    """The process dies with some rows claimed and some on the wire: after the restart the
    claimed ones go out, the ones in doubt are not resent; every other resident gets one."""
    api, s, svc = env.api, env.story, env.runtime.deps
    people = [Person(2000 + i, f"P{i}", "fr") for i in range(12)]
    for who in people:
        await s.say(who, "/subscribe")
        await s.press(who, who.user_id, "t:works")
    topic = svc.topic("works")
    assert topic is not None
    async with svc.writing() as ses:
        c = await campaigns.start_broadcast(ses, svc.texts, topic, {"fr": "Info"}, svc.clock())
        await ses.commit()
    assert await campaigns.expand_batch(svc, c.id, batch=5) == 5  # then "the process dies"
    await campaigns.expand_all(svc, batch=5)  # the restarted worker's job carries on
    async with svc.writing() as ses:
        claimed = await outbox.claim_due(ses, svc.clock(), 6, postgres=False)
        await outbox.mark_sending(ses, [claimed[0].id])  # on the wire when it died
        await ses.commit()
    # "Restart": the worker recovers, then delivers.
    await env.runtime.outbox.recover()
    if env.runtime.outbox.postgres:
        # Several workers may share PostgreSQL: a claim is taken back only past its lease.
        async with svc.writing() as ses:
            assert await outbox.release_interrupted(ses, svc.clock(), everything=False) == (0, 0, 0)
            later = svc.clock() + outbox.CLAIM_LEASE + timedelta(seconds=1)
            assert await outbox.release_interrupted(ses, later, everything=False) == (1, 5, 0)
            await ses.commit()
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    got = Counter(
        c_.params["chat_id"] for c_ in api.of("sendMessage") if "Info" in str(c_.params.get("text"))
    )
    assert all(n == 1 for n in got.values())  # nothing twice
    assert len(got) == 11  # everyone but the one in doubt (never resent)
    async with svc.sessions() as ses:
        d = await campaigns.delivery(ses, c.id)
    assert d.recipients == 12 and d.by_state == {"sent": 11, "unknown": 1}
    # The operator may choose to send the ones in doubt again (perhaps twice to that one).
    async with svc.writing() as ses:
        assert await outbox_admin.resend_unknown(ses, c.id) == 1
        await ses.commit()
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    async with svc.sessions() as ses:
        d = await campaigns.delivery(ses, c.id)
    assert d.by_state == {"sent": 12}
    assert (
        len(
            {
                c_.params["chat_id"]
                for c_ in api.of("sendMessage")
                if "Info" in str(c_.params.get("text"))
            }
        )
        == 12
    )
