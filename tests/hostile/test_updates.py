"""Hostile updates through the real inbox (writer, worker, handlers) against the fake Bot API:
forged buttons that decode to nothing, wrong types, huge and negative ids, control characters.
The loops never die, every update ends processed or set aside, and nothing a resident or an
agent owns changes."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import core.callbacks as callbacks
from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, UpdateFactory
from bot.runtime import Runtime
from storage import inbox
from storage.models import (
    CoReporter,
    Idea,
    IdeaSupport,
    Questionnaire,
    Report,
    ReportEvent,
    Subscription,
    SurveyAnswer,
)
from tests.conftest import WATER_CHAT, Clock, make_config
from tests.hostile import HOSTILE
from tests.hostile.test_callbacks import DATA, FAMILIES

#: What residents and agents own: no hostile update may change it.
OWNED = (
    CoReporter,
    Idea,
    IdeaSupport,
    Questionnaire,
    Report,
    ReportEvent,
    Subscription,
    SurveyAnswer,
)
STRANGER = Person(666, "Mallory\x00\x1b[31m")
IDS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, -1, 2**31, 2**53 + 1]),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
)


def _undecodable(data: str) -> bool:
    for family in FAMILIES:
        try:
            family.decode(data)
        except callbacks.CallbackError:
            continue
        return False
    return True


FORGED = DATA.filter(_undecodable)
ODD = st.one_of(
    st.text(max_size=20),
    st.integers(-(2**70), 2**70),
    st.lists(st.integers(), max_size=2),
    st.none(),
)


def _hostile(f: UpdateFactory, kind: int, forged: str, odd: Any, an_id: Any) -> dict[str, Any]:
    """One hostile update of ``kind``: a forged press in a private chat or an agents' group,
    or a message with a field of the wrong type or an id out of range."""
    if kind == 0:
        return f.press(STRANGER, f.private(STRANGER), 1, forged)
    if kind == 1:
        return f.press(STRANGER, f.group(WATER_CHAT), 1, forged)
    upd = f.text(STRANGER, "/start")
    msg = upd["message"]
    if kind == 2:
        msg["text"] = odd
    elif kind == 3:
        msg["chat"]["id"] = an_id
    elif kind == 4:
        msg["from"] = odd
    elif kind == 5:
        msg["entities"] = [{"type": "bot_command", "offset": an_id, "length": odd}]
    else:
        msg["reply_to_message"] = odd
    return upd


async def _owned(rt: Runtime) -> dict[str, int]:
    async with rt.deps.sessions() as s:
        return {
            m.__tablename__: int(await s.scalar(select(func.count()).select_from(m)) or 0)
            for m in OWNED
        }


def test_hostile_updates_change_nothing_and_never_stop_the_loops(
    sqlite_url: str, tmp_path: Path
) -> None:
    factory = UpdateFactory(update_ids=itertools.count(1))
    with asyncio.Runner() as runner:
        api = FakeBotApi(token="123:test")
        runner.run(api.start())
        # The web role stores (the real writer); the test drives the real inbox worker by hand,
        # round by round, so that no case waits for a loop's back-off.
        rt = Runtime(make_config(sqlite_url, tmp_path, api), clock=Clock(), role="web")
        runner.run(rt.start())
        before = runner.run(_owned(rt))

        async def one(update: dict[str, Any]) -> None:
            try:
                await rt.writer.store(update)
            except ValueError:
                return  # refused at the door: an update_id no column holds
            for _ in range(inbox.MAX_ATTEMPTS + 1):  # processed, or set aside after 3 attempts
                await rt.inbox.drain_once()

        @settings(HOSTILE, max_examples=100)
        @given(kind=st.integers(0, 6), forged=FORGED, odd=ODD, an_id=IDS)
        def case(kind: int, forged: str, odd: Any, an_id: Any) -> None:
            runner.run(one(_hostile(factory, kind, forged, odd, an_id)))
            assert rt.writer.alive

        try:
            case()
            assert runner.run(_owned(rt)) == before

            async def waiting() -> int:
                async with rt.deps.sessions() as s:
                    return await inbox.count(s, processed=False)

            assert runner.run(waiting()) == 0
        finally:
            runner.run(rt.stop())
            runner.run(api.stop())
