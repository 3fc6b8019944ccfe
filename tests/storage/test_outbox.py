"""The outbox's mechanics, directly: the payload's codec (rows queued before an upgrade read
as they were meant), claims, marks, outcomes, recovery after a crash, and the lookups of
cards. The worker that drives them is tested in tests/bot/outbox/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from core import messages
from core.deps import Deps
from core.engagement import campaigns
from core.engagement.audience import Audience
from core.reports import submit as reports
from core.residents import directory as residents
from storage import outbox, outbox_admin
from storage.enums import CampaignKind, CampaignState, OutboxKind, OutboxPurpose, OutboxState
from storage.models import Campaign, OutboxMessage
from storage.outbox import Outcome
from storage.outbox_payload import OutboxPayload
from tests.conftest import WATER_CHAT, Clock

# --- the payload ---------------------------------------------------------------------------

#: Payloads as the code before the typed payload wrote them, and what they mean.
STORED: list[tuple[dict[str, Any], OutboxPayload]] = [
    ({"text": "Bonjour", "html": True}, OutboxPayload("Bonjour")),
    (
        {"text": "Réglé ?", "html": True, "buttons": [[["Oui", "q:y:1"], ["Non", "q:n:1"]]]},
        OutboxPayload("Réglé ?", buttons=((("Oui", "q:y:1"), ("Non", "q:n:1")),)),
    ),
    (
        {
            "text": "#1",
            "html": True,
            "buttons": [[["Pris", "a:ack:1"]]],
            "photo": "F1",
            "pin": True,
        },
        OutboxPayload("#1", buttons=((("Pris", "a:ack:1"),),), photo="F1", pin=True),
    ),
    ({"text": "#1 résolu", "html": True, "pin": False}, OutboxPayload("#1 résolu", pin=False)),
    (
        {"text": "Marie : merci", "html": True, "reply_to_card": True},
        OutboxPayload("Marie : merci", reply_to_card=True),
    ),
    (
        {"text": "Idée #7 refusée", "html": True, "buttons": [], "idea_card": 7},
        OutboxPayload("Idée #7 refusée", buttons=(), idea_card=7),
    ),
    (  # a questionnaire's comment prompt, as ``questionnaire.tag`` left it
        {"text": "Un mot ?", "html": True, "force_reply": True, "questionnaire_id": 3},
        OutboxPayload("Un mot ?", force_reply=True, questionnaire_id=3),
    ),
    (  # a survey round's message, as a campaign's expansion wrote it
        {
            "text": "Propre ?",
            "html": True,
            "buttons": [[["Oui", "sv:1:y"]]],
            "expires_at": "2026-11-27T10:00:00+00:00",
        },
        OutboxPayload(
            "Propre ?",
            buttons=((("Oui", "sv:1:y"),),),
            expires_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        ),
    ),
]


@pytest.mark.parametrize(("raw", "meant"), STORED)
def test_a_payload_stored_before_the_upgrade_reads_as_it_was_meant(
    raw: dict[str, Any], meant: OutboxPayload
) -> None:
    assert OutboxPayload.from_json(raw) == meant
    assert meant.to_json() == raw  # and is written as before: the column's shape is unchanged


def test_odd_payloads_still_read() -> None:
    assert OutboxPayload.from_json({}) == OutboxPayload("", html=False)  # erased: words gone
    assert OutboxPayload.from_json({"text": "x"}) == OutboxPayload("x", html=False)
    odd = OutboxPayload.from_json({"text": "x", "html": True, "buttons": [[["n", 5]]], "pin": 0})
    assert odd.buttons == ((("n", "5"),),) and odd.pin is False


async def test_enqueue_writes_the_payload_as_before(svc: Deps, clock: Clock) -> None:
    async with svc.sessions() as s:
        edit = messages.enqueue(
            s,
            chat_id=WATER_CHAT,
            text="<b>#7</b>",
            purpose=OutboxPurpose.IDEA,
            kind=OutboxKind.EDIT_CARD,
            idea_id=7,
            buttons=[],
            now=clock(),
        )
        notice = messages.enqueue(
            s,
            chat_id=WATER_CHAT,
            text="Idée #7",
            purpose=OutboxPurpose.IDEA,
            idea_id=7,  # a notice about the idea: only an edit names the card it edits
            buttons=[[("Répondre", "i:ans:7")]],
            now=clock(),
        )
        prompt = messages.enqueue(
            s,
            chat_id=71,
            text="Un mot ?",
            purpose=OutboxPurpose.QUESTIONNAIRE,
            force_reply=True,
            reply_to_card=True,
            photo="",
            pin=False,
            now=clock(),
        )
    assert edit.payload == {"text": "<b>#7</b>", "html": True, "buttons": [], "idea_card": 7}
    assert notice.payload == {
        "text": "Idée #7",
        "html": True,
        "buttons": [[["Répondre", "i:ans:7"]]],
    }
    assert prompt.payload == {
        "text": "Un mot ?",
        "html": True,
        "reply_to_card": True,
        "force_reply": True,
        "pin": False,
    }


# --- claims, marks and outcomes ------------------------------------------------------------


async def _add(
    deps: Deps,
    n: int = 1,
    *,
    kind: OutboxKind = OutboxKind.MESSAGE,
    purpose: OutboxPurpose = OutboxPurpose.NOTICE,
    at: datetime | None = None,
    **columns: Any,
) -> list[int]:
    ids = []
    async with deps.sessions() as s:
        for i in range(n):
            row = messages.enqueue(
                s,
                chat_id=100 + i,
                text=f"m{i}",
                purpose=purpose,
                kind=kind,
                not_before=at,
                now=deps.clock(),
            )
            for name, value in columns.items():
                setattr(row, name, value)
            await s.flush()
            ids.append(row.id)
        await s.commit()
    return ids


async def _rows(deps: Deps) -> dict[int, OutboxMessage]:
    async with deps.sessions() as s:
        return {r.id: r for r in (await s.scalars(select(OutboxMessage))).all()}


def _pg(deps: Deps) -> bool:
    return deps.engine.dialect.name == "postgresql"


async def _claim(deps: Deps, limit: int = 10, worker: int | None = None) -> list[outbox.Claimed]:
    async with deps.sessions() as s:
        claimed = await outbox.claim_due(s, deps.clock(), limit, _pg(deps), worker)
        await s.commit()
    return claimed


async def test_claim_takes_due_rows_in_order_up_to_the_limit(
    svc: Deps,
    clock: Clock,
) -> None:
    ids = await _add(svc, 3)
    (later,) = await _add(svc, at=clock() + timedelta(minutes=5))
    first = await _claim(svc, limit=2, worker=9)
    assert [c.id for c in first] == ids[:2]
    c = first[0]
    assert (c.chat_id, c.kind, c.purpose, c.report_id, c.attempts) == (
        100,
        OutboxKind.MESSAGE,
        OutboxPurpose.NOTICE,
        None,
        1,
    )
    assert c.payload == OutboxPayload("m0")  # typed, read through the codec
    rows = await _rows(svc)
    assert [rows[i].state for i in ids] == [
        OutboxState.CLAIMED,
        OutboxState.CLAIMED,
        OutboxState.PENDING,
    ]
    assert (rows[ids[0]].claimed_at, rows[ids[0]].claimed_by, rows[ids[0]].attempts) == (
        clock(),
        9,
        1,
    )
    assert [c.id for c in await _claim(svc)] == [ids[2]]  # claimed rows are not claimed again
    assert await _claim(svc) == []  # the last one is not due yet
    clock.advance(minutes=5)
    assert [c.id for c in await _claim(svc)] == [later]


async def test_a_campaigns_rows_wait_until_all_are_written(
    svc: Deps,
    clock: Clock,
) -> None:
    async with svc.sessions() as s:
        c = await campaigns.start(s, CampaignKind.BROADCAST, Audience(), clock())
        await s.commit()
        campaign = c.id
    (row,) = await _add(svc, campaign_id=campaign, purpose=OutboxPurpose.BROADCAST)
    assert await _claim(svc) == []  # still expanding
    async with svc.sessions() as s:
        await s.execute(
            update(Campaign).where(Campaign.id == campaign).values(state=CampaignState.SENDING)
        )
        await s.commit()
    assert [c.id for c in await _claim(svc)] == [row]


async def test_outcomes_are_recorded_in_one_go(svc: Deps, clock: Clock) -> None:
    sent, retried, waited, failed, blocked = await _add(svc, 5)
    claimed = await _claim(svc)
    async with svc.sessions() as s:
        await outbox.mark_sending(s, [c.id for c in claimed])
        await s.commit()
    assert {r.state for r in (await _rows(svc)).values()} == {OutboxState.SENDING}
    later = clock() + timedelta(seconds=30)
    async with svc.sessions() as s:
        await outbox.record(
            s,
            [
                Outcome(sent, OutboxState.SENT, message_id=555),
                Outcome(retried, OutboxState.PENDING, at=later, error="NetworkError: reset"),
                Outcome(waited, OutboxState.PENDING, at=later, error="retry_after 30", refund=True),
                Outcome(failed, OutboxState.FAILED, error="x" * 600),
                Outcome(blocked, OutboxState.BLOCKED, error="Forbidden: bot was blocked"),
            ],
            clock(),
        )
        await s.commit()
    rows = await _rows(svc)
    assert (rows[sent].state, rows[sent].telegram_message_id, rows[sent].sent_at) == (
        OutboxState.SENT,
        555,
        clock(),
    )
    assert (rows[retried].state, rows[retried].not_before, rows[retried].attempts) == (
        OutboxState.PENDING,
        later,
        1,  # the attempt counts
    )
    assert rows[retried].last_error == "NetworkError: reset"
    assert rows[waited].attempts == 0  # not the message's fault: refunded
    assert (rows[failed].state, rows[failed].last_error) == (OutboxState.FAILED, "x" * 500)
    assert rows[blocked].state is OutboxState.BLOCKED


async def test_one_outcome_at_a_time(svc: Deps, clock: Clock) -> None:
    a, b, c = await _add(svc, 3)
    await _claim(svc)
    async with svc.sessions() as s:
        await outbox.mark_sent(s, a, 7, clock())
        await outbox.mark_retry(s, b, clock() + timedelta(seconds=2), "later", refund=True)
        await outbox.mark_final(s, c, OutboxState.FAILED, "Bad Request: chat not found")
        await s.commit()
    rows = await _rows(svc)
    assert (rows[a].state, rows[a].telegram_message_id) == (OutboxState.SENT, 7)
    assert (rows[b].state, rows[b].attempts, rows[b].last_error) == (
        OutboxState.PENDING,
        0,
        "later",
    )
    assert (rows[c].state, rows[c].last_error) == (
        OutboxState.FAILED,
        "Bad Request: chat not found",
    )


def test_backoff_doubles_then_stays() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (0, 1, 2, 5, 8, 9, 50)] == [
        1,
        2,
        4,
        32,
        256,
        256,
        256,
    ]
    assert all(outbox.backoff(n) <= timedelta(minutes=5) for n in range(100))


# --- after a crash -------------------------------------------------------------------------


async def _on_the_wire(deps: Deps, ids: list[int]) -> None:
    async with deps.sessions() as s:
        await outbox.mark_sending(s, ids)
        await s.commit()


async def test_what_a_crash_left_on_the_wire_is_resent_only_where_safe(
    svc: Deps,
    clock: Clock,
) -> None:
    (notice,) = await _add(svc)
    (edit,) = await _add(svc, kind=OutboxKind.EDIT_CARD)
    (reply,) = await _add(svc, purpose=OutboxPurpose.RESIDENT_MESSAGE)
    (tired,) = await _add(svc, purpose=OutboxPurpose.RESIDENT_MESSAGE, attempts=4)
    (waiting,) = await _add(svc)
    claimed = await _claim(svc)
    await _on_the_wire(svc, [c.id for c in claimed if c.id != waiting])
    async with svc.sessions() as s:
        done = await outbox.release_interrupted(
            s,
            clock(),
            everything=True,
            resend=[OutboxPurpose.RESIDENT_MESSAGE],
            max_attempts=5,
        )
        await s.commit()
    assert done == outbox.Recovered(unknown=2, released=1, resent=2)
    rows = await _rows(svc)
    assert rows[notice].state is OutboxState.UNKNOWN  # at most once: never sent twice
    assert rows[edit].state is OutboxState.PENDING  # an edit again is harmless
    assert rows[reply].state is OutboxState.PENDING  # its purpose is resent by policy
    assert rows[tired].state is OutboxState.UNKNOWN  # past its attempts: it may be the cause
    assert (rows[waiting].state, rows[waiting].attempts) == (OutboxState.PENDING, 0)
    assert rows[waiting].claimed_by is None


async def test_only_the_claims_of_dead_workers_or_past_the_lease_are_taken_back(
    svc: Deps,
    clock: Clock,
) -> None:
    (old,) = await _add(svc)
    await _claim(svc, worker=1)
    clock.advance(seconds=outbox.CLAIM_LEASE.total_seconds() + 1)
    (live, dead) = await _add(svc, 2)
    await _claim(svc, limit=1, worker=2)
    await _claim(svc, limit=1, worker=3)
    async with svc.sessions() as s:
        assert sorted(await outbox.claim_owners(s)) == [1, 2, 3]
        done = await outbox.release_interrupted(s, clock(), everything=False, dead=[3])
        await s.commit()
    assert done == outbox.Recovered(unknown=0, released=2, resent=0)
    rows = await _rows(svc)
    assert rows[old].state is OutboxState.PENDING  # past the lease
    assert rows[live].state is OutboxState.CLAIMED  # a live worker's, recent: kept
    assert rows[dead].state is OutboxState.PENDING  # its worker died: at once
    async with svc.sessions() as s:
        assert await outbox.claim_owners(s) == [2]


async def test_the_operator_may_resend_a_campaigns_messages_in_doubt(
    svc: Deps,
    clock: Clock,
) -> None:
    async with svc.sessions() as s:
        c = await campaigns.start(s, CampaignKind.BROADCAST, Audience(), clock())
        await s.commit()
        campaign = c.id
    ids = await _add(svc, 2, campaign_id=campaign, state=OutboxState.UNKNOWN)
    await _add(svc, state=OutboxState.UNKNOWN)  # another message in doubt: not the campaign's
    async with svc.sessions() as s:
        assert await outbox_admin.resend_unknown(s, campaign) == 2
        await s.commit()
    rows = await _rows(svc)
    assert [rows[i].state for i in ids] == [OutboxState.PENDING] * 2


async def test_count_due_counts_what_is_due_or_on_its_way(
    svc: Deps,
    clock: Clock,
) -> None:
    await _add(svc, 2)
    await _add(svc, at=clock() + timedelta(hours=1))  # quiet hours: not yet
    await _add(svc, state=OutboxState.SENT)
    await _claim(svc, limit=1)
    async with svc.sessions() as s:
        assert await outbox.count_due(s, clock()) == 2  # one claimed, one pending


# --- cards ---------------------------------------------------------------------------------


async def test_a_reports_card_is_found_once_sent(svc: Deps, clock: Clock) -> None:
    async with svc.sessions() as s:
        who = await residents.touch(s, 71, 71, "Marie", "fr", clock())
        new = reports.NewReport("fuite d'eau rue Haute", "water", "fr", "water", 0.9)
        rid = (await reports.submit(s, svc, who, new, clock())).id
        await s.commit()
    async with svc.sessions() as s:
        assert await outbox.card_message(s, rid, WATER_CHAT) is None
        assert await outbox.card_pending(s, rid, WATER_CHAT)
        card = await s.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.report_id == rid, OutboxMessage.purpose == OutboxPurpose.CARD
            )
        )
        assert card is not None
        await outbox.mark_sent(s, card, 555, clock())
        await s.commit()
    async with svc.sessions() as s:
        assert await outbox.card_message(s, rid, WATER_CHAT) == 555
        assert not await outbox.card_pending(s, rid, WATER_CHAT)
        assert await outbox.card_message(s, rid, -42) is None  # another chat has none
        assert await outbox.report_of_message(s, WATER_CHAT, 555) == rid
        assert await outbox.report_of_message(s, WATER_CHAT, 556) is None
        assert await outbox.idea_of_message(s, WATER_CHAT, 555) is None
