"""Webhook bodies a stranger who learnt the secret could post (random JSON, deep nesting, huge
fields, wrong types, bytes that are no text), to the real webhook handler in-process: never a
500, and only a Telegram update with an id a column holds reaches the inbox."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.inbox.webhook import SECRET_HEADER, create_web_app
from storage import inbox
from storage.types import fits_big
from tests.hostile import HOSTILE

SECRET = "hostile-secret-0123456789"
MAX_BODY = 100_000
NOW = datetime(2026, 12, 7, tzinfo=UTC)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**100), 2**100),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
IDS = st.one_of(
    st.integers(-(2**80), 2**80), st.sampled_from([2**63 - 1, 2**63, -(2**63)]), SCALARS
)
CHAT = st.fixed_dictionaries({"id": IDS}, optional={"type": SCALARS})
MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        "message_id": IDS,
        "date": IDS,
        "chat": st.one_of(CHAT, JSON),
        "from": st.one_of(st.fixed_dictionaries({"id": IDS}), JSON),
        "text": st.one_of(st.text(max_size=200), JSON),
    },
)
UPDATE = st.fixed_dictionaries(
    {"update_id": IDS},
    optional={
        "message": st.one_of(MESSAGE, JSON),
        "callback_query": st.one_of(
            st.fixed_dictionaries({"id": SCALARS, "data": SCALARS, "message": MESSAGE}), JSON
        ),
        "edited_message": MESSAGE,
    },
)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


BODIES = st.one_of(
    UPDATE.map(_dumps),
    JSON.map(_dumps),
    st.integers(1, 200_000).map(lambda n: ("[" * n + "]" * n).encode()),
    st.integers(1, 50_000).map(lambda n: ('{"update_id":1,"message":' + "{" * n).encode()),
    st.integers(MAX_BODY - 100, MAX_BODY * 3).map(
        lambda n: ('{"update_id":1,"message":{"text":"' + "a" * n + '"}}').encode()
    ),
    st.binary(max_size=200),
)


def test_hostile_bodies_never_get_a_500_and_only_updates_reach_the_inbox() -> None:
    stored: list[dict[str, Any]] = []

    async def store(raw: dict[str, Any]) -> None:
        try:
            inbox._row(raw, NOW)  # what the writer makes of it: never anything but OutOfRange
        except inbox.OutOfRange:
            raise
        stored.append(raw)

    async def serve() -> TestClient[Any, Any]:
        app = create_web_app("/telegram", SECRET, MAX_BODY, lambda: None, store)
        client: TestClient[Any, Any] = TestClient(TestServer(app))
        await client.start_server()
        return client

    with asyncio.Runner() as runner:
        client = runner.run(serve())

        async def post(body: bytes, secret: str) -> int:
            headers = {SECRET_HEADER: secret, "Content-Type": "application/json"}
            async with client.post("/telegram", data=body, headers=headers) as resp:
                await resp.read()
                return resp.status

        @settings(HOSTILE, max_examples=1_000)
        @given(body=BODIES, right=st.booleans())
        def case(body: bytes, right: bool) -> None:
            before = len(stored)
            status = runner.run(post(body, SECRET if right else SECRET[:-1] + "x"))
            assert status in (200, 400, 403, 413), status
            if status == 200:
                raw = stored[-1]
                assert len(stored) == before + 1
                assert isinstance(raw, dict) and fits_big(raw["update_id"])
            else:
                assert len(stored) == before  # nothing stored from a refused body
            if not right:
                assert status == 403

        try:
            case()
        finally:
            runner.run(client.close())


def test_a_body_nested_deeper_than_any_update_is_refused() -> None:
    from bot.inbox.webhook import MAX_DEPTH, shallow

    def nest(n: int) -> Any:
        v: Any = 1
        for _ in range(n):  # n lists, one in another
            v = [v]
        return v

    assert shallow(nest(MAX_DEPTH)) and not shallow(nest(MAX_DEPTH + 1))
    assert shallow({"update_id": 1, "message": {"chat": {"id": 1}}})
