"""Requests per client: a burst, then a steady rate; past it 429 with Retry-After, and the
webhook and other families untouched."""

from __future__ import annotations

from core.deps import Deps
from tests.web.conftest import serve
from web.ratelimit import MAX_CLIENTS, Buckets, Rate


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_the_rate() -> None:
    t = Seconds()
    b = Buckets(Rate(per_minute=60, burst=3), t)
    assert [b.take("a") for _ in range(3)] == [0, 0, 0]
    assert b.take("a") == 1.0  # one token a second
    assert b.take("b") == 0  # another client has its own bucket
    t.now += 1
    assert b.take("a") == 0 and b.take("a") > 0


def test_idle_clients_are_forgotten_so_memory_stays_bounded() -> None:
    t = Seconds()
    b = Buckets(Rate(per_minute=60, burst=2), t)
    for i in range(MAX_CLIENTS + 5):
        b.take(f"10.0.{i // 256}.{i % 256}")
        t.now += 0.01
    assert len(b._tokens) <= MAX_CLIENTS


async def test_open311_answers_429_with_retry_after_past_the_limit(svc: Deps) -> None:
    t = Seconds()
    rate = Rate(per_minute=6, burst=2)
    async with serve(svc, t, open311_rate=rate) as client:
        for _ in range(2):
            assert (await client.get("/open311/v2/services.json")).status == 200
        resp = await client.get("/open311/v2/services.json")
        assert resp.status == 429 and resp.headers["Retry-After"] == "10"
        assert (await resp.json())[0]["code"] == 429
        # the webhook is never limited by it (403: the wrong secret, but it was heard)
        assert (await client.post("/telegram", json={})).status == 403
        xml = await client.get("/open311/v2/services.xml")
        assert xml.status == 429 and "<code>429</code>" in await xml.text()
        t.now += 10
        assert (await client.get("/open311/v2/services.json")).status == 200


async def test_the_dashboard_is_limited_on_its_own(svc: Deps) -> None:
    t = Seconds()
    site = {"dashboard": True, "public_url": "http://127.0.0.1"}
    async with serve(svc, t, dashboard_rate=Rate(per_minute=1, burst=1), **site) as client:
        assert (await client.get("/dashboard")).status == 401
        limited = await client.get("/dashboard")
        assert limited.status == 429 and int(limited.headers["Retry-After"]) == 60
        assert (await client.get("/open311/v2/services.json")).status == 200


async def test_behind_a_proxy_the_configured_header_names_the_client(svc: Deps) -> None:
    t = Seconds()
    opts = {"open311_rate": Rate(per_minute=1, burst=1), "client_address_header": "X-Real-IP"}
    async with serve(svc, t, **opts) as client:
        url = "/open311/v2/services.json"
        assert (await client.get(url, headers={"X-Real-IP": "1.1.1.1"})).status == 200
        assert (await client.get(url, headers={"X-Real-IP": "1.1.1.1"})).status == 429
        assert (await client.get(url, headers={"X-Real-IP": "2.2.2.2"})).status == 200
