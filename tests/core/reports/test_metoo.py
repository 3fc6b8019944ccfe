""" "Me too" from a report's shared link: what it shows, who may join, once; the card's count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.callbacks import MAX_BYTES, CallbackError, MeTooAction
from core.deps import Deps
from core.reports import metoo
from core.reports import submit as reports
from storage.enums import OutboxKind, ReportStatus
from storage.models import OutboxMessage
from tests.conftest import WATER_CHAT
from tests.core.engagement.test_questionnaire import new_report, resident, set_status

BIG = 2**31 - 1  # the largest id the columns hold (int4 on PostgreSQL)


KEY = b"k" * 32


def test_the_button_round_trips_within_64_bytes_and_is_signed() -> None:
    pressed = MeTooAction.signed(BIG, KEY)
    data = pressed.encode()
    assert data.startswith(f"m:{BIG}:") and len(data.encode()) <= MAX_BYTES
    assert MeTooAction.decode(data) == pressed and pressed.genuine(KEY)
    assert not pressed.genuine(b"other key")
    assert not MeTooAction.decode(f"m:{BIG - 1}:{pressed.signature}").genuine(KEY)
    assert not MeTooAction.decode(f"m:{BIG}").genuine(KEY)  # unsigned (older or forged)


@pytest.mark.parametrize("data", ["", "m", "m:", "m:x", "m:-1", "m:1:2:3", "a:1", "m:" + "9" * 40])
def test_forged_presses_do_not_decode(data: str) -> None:
    with pytest.raises(CallbackError):
        MeTooAction.decode(data)


KEY, OLD, OTHER = b"k" * 32, b"o" * 32, b"x" * 32


def test_the_link_is_signed_so_reports_cannot_be_walked_through() -> None:
    key = (KEY,)
    url = metoo.link("senscommun_bot", 12, KEY)
    assert url.startswith("https://t.me/senscommun_bot?start=r12_")
    arg = url.split("start=")[1]
    assert len(arg) <= 64 and all(c.isalnum() or c in "_-" for c in arg)  # Telegram's rule
    assert metoo.report_of_start(arg, key) == 12
    other = arg.replace("r12_", "r13_")  # the next report, with this report's signature
    assert metoo.report_of_start(other, key) is None
    assert metoo.report_of_start(arg, (OTHER,)) is None
    for bad in ("", "r", "12", "rx", "r-1", "x12", "r12", "r12_", "r" + "9" * 19 + "_x"):
        assert metoo.report_of_start(bad, key) is None, bad


def test_keys_rotate_old_links_work_until_their_key_is_removed() -> None:
    shared_before = metoo.link("b", 5, OLD).split("start=")[1]
    new = metoo.link("b", 5, KEY).split("start=")[1]
    assert metoo.report_of_start(new, (KEY, OLD)) == 5
    assert metoo.report_of_start(shared_before, (KEY, OLD)) == 5  # still accepted
    assert metoo.report_of_start(shared_before, (KEY,)) is None  # once removed


def test_the_default_key_is_random_never_a_public_value() -> None:
    from core.deps import Settings

    a, b = Settings(), Settings()
    assert a.link_secret != b.link_secret and len(a.link_secret) >= 32
    assert a.link_keys == (a.link_secret,)


async def test_the_public_view_and_its_button(svc: Deps) -> None:
    rid = await new_report(svc, uid=71)  # by "R71"
    async with svc.sessions() as s:
        author = await resident(s, svc, 71)
        john = await resident(s, svc, 72, "en")
        seen = await metoo.show(s, svc, john, rid)
        own = await metoo.show(s, svc, author, rid)
        missing = await metoo.show(s, svc, john, 4242)
    assert f"<b>Report #{rid}</b> · Water" in seen.text
    assert "Status: new · reported on 26/11/2026" in seen.text
    assert "<i>Fuite d'eau rue Pasteur</i>" in seen.text
    assert "Nobody else has reported it yet." in seen.text
    assert "R71" not in seen.text  # never the reporter's identity
    assert seen.buttons == [
        [("🙋 Me too", MeTooAction.signed(rid, svc.settings.link_secret).encode())]
    ]
    assert own.buttons is None and "C'est votre signalement" in own.text
    assert missing.buttons is None and "I cannot find report #4242" in missing.text


async def test_the_masked_text_is_shown_not_the_words_as_written(svc: Deps) -> None:
    async with svc.sessions() as s:
        author = await resident(s, svc, 71)
        new = reports.NewReport(
            "Fuite chez moi, appelez le 06 12 34 56 78",
            "water",
            "fr",
            "water",
            0.9,
            redacted_text="Fuite chez moi, appelez le [téléphone]",
        )
        rv = await reports.submit(s, svc, author, new, svc.clock())
        john = await resident(s, svc, 72, "en")
        seen = await metoo.show(s, svc, john, rv.id)
    assert "[téléphone]" in seen.text and "06 12" not in seen.text


async def test_join_once_refreshes_the_card_and_refuses_politely(svc: Deps) -> None:
    rid = await new_report(svc, uid=71)
    async with svc.sessions() as s:
        author = await resident(s, svc, 71)
        john = await resident(s, svc, 72, "en")
        first = await metoo.join(
            s, svc, john, MeTooAction.signed(rid, svc.settings.link_secret), svc.clock()
        )
        again = await metoo.join(
            s, svc, john, MeTooAction.signed(rid, svc.settings.link_secret), svc.clock()
        )
        own = await metoo.join(
            s, svc, author, MeTooAction.signed(rid, svc.settings.link_secret), svc.clock()
        )
        unknown = MeTooAction.signed(4242, svc.settings.link_secret)
        gone = await metoo.join(s, svc, john, unknown, svc.clock())
        forged = await metoo.join(s, svc, john, MeTooAction(rid, "AAAAAAAAAA"), svc.clock())
        seen = await metoo.show(s, svc, john, rid)
        await s.commit()
        edits = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.EDIT_CARD))
        ).all()
    assert first.ok and first.text.startswith(f"Thank you! You now follow report #{rid}")
    assert not again.ok and again.text == f"You already follow report #{rid}."
    assert not own.ok and "votre signalement" in own.text
    assert not gone.ok and "#4242" in gone.text
    assert not forged.ok and "no longer valid" in forged.text
    assert seen.buttons is None and "1 other resident(s) said “me too”" in seen.text
    (edit,) = edits  # one join, one refresh of the card
    assert edit.chat_id == WATER_CHAT and "👥 1 autre(s) habitant(s)" in edit.payload["text"]
    assert "R72" not in edit.payload["text"]


async def test_a_closed_report_cannot_be_joined(svc: Deps) -> None:
    rid = await new_report(svc, uid=71)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    async with svc.sessions() as s:
        lea = await resident(s, svc, 73)
        seen = await metoo.show(s, svc, lea, rid)
        pressed = await metoo.join(
            s, svc, lea, MeTooAction.signed(rid, svc.settings.link_secret), svc.clock()
        )
    assert seen.buttons is None and f"Le signalement #{rid} est clos (résolu)" in seen.text
    assert not pressed.ok and "est clos (résolu)" in pressed.text


async def test_a_resolution_thanks_the_reporter_and_co_reporters(svc: Deps) -> None:
    rid = await new_report(svc, uid=71)
    async with svc.sessions() as s:
        john = await resident(s, svc, 72, "en")
        assert (
            await metoo.join(
                s, svc, john, MeTooAction.signed(rid, svc.settings.link_secret), svc.clock()
            )
        ).ok
        await s.commit()

    async def told() -> dict[int, str]:
        async with svc.sessions() as s:
            rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        return {r.chat_id: r.payload["text"] for r in rows if r.chat_id in (71, 72)}

    await set_status(svc, rid, ReportStatus.IN_PROGRESS)
    progress = await told()
    assert "Merci pour votre part" not in progress[71] and "Thank you" not in progress[72]
    await set_status(svc, rid, ReportStatus.RESOLVED)
    resolved = await told()
    assert "<b>résolu</b>" in resolved[71] and "🙏 Merci pour votre part" in resolved[71]
    assert "<b>resolved</b>" in resolved[72] and "🙏 Thank you for your part" in resolved[72]
