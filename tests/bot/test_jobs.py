"""The jobs are on PTB's JobQueue in a real process, and not when a test drives the clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.demo.fake_telegram import FakeBotApi
from bot.factory import create_deps
from bot.jobs import Job, Jobs, default_jobs
from bot.runtime import Runtime
from core.deps import Deps
from tests.conftest import PG_URL, Clock, make_config, reset_postgres


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi("123:test")
    await fake.start()
    yield fake
    await fake.stop()


def _names(rt: Runtime) -> set[str]:
    queue = rt.app.job_queue
    assert queue is not None
    return {j.name for j in queue.jobs() if j.name}


async def test_a_worker_schedules_every_job_on_the_job_queue(
    tmp_path: Path, api: FakeBotApi
) -> None:
    cfg = make_config(f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path, api)
    async with Runtime(cfg, role="worker") as rt:
        assert _names(rt) == {j.name for j in default_jobs()}
        assert {"questionnaires", "still_open", "surveys", "campaigns"} <= _names(rt)


async def test_with_an_injected_clock_jobs_run_only_by_hand(
    tmp_path: Path, clock: Clock, api: FakeBotApi
) -> None:
    cfg = make_config(f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path, api)
    async with Runtime(cfg, clock=clock, role="worker") as rt:
        assert _names(rt) == set()
        assert set(await rt.jobs.run_once()) == {j.name for j in default_jobs()}


async def test_a_failing_job_waits_for_its_next_run(
    tmp_path: Path, clock: Clock, api: FakeBotApi
) -> None:
    from sqlalchemy.exc import OperationalError

    async def locked(_svc: object) -> int:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    async def busy(_svc: object) -> int:
        return 3

    woken: list[bool] = []
    cfg = make_config(f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path, api)
    async with Runtime(cfg, clock=clock, role="worker") as rt:
        jobs = Jobs(
            rt.deps,
            [
                Job("locked", default_jobs()[0].every, locked),
                Job("busy", default_jobs()[0].every, busy),
            ],
            after=lambda: woken.append(True),
        )
        assert await jobs.run_once() == {"locked": 0, "busy": 3}
    assert woken == [True]  # the outbox is woken when a job did something


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (SENSCOMMUN_TEST_PG_URL; CI sets it)")
async def test_one_leader_runs_the_jobs_and_another_takes_over_when_it_dies(
    tmp_path: Path, clock: Clock
) -> None:
    assert PG_URL is not None
    await reset_postgres(PG_URL)
    cfg = make_config(PG_URL, tmp_path)
    runs: list[str] = []

    def counting(who: str) -> Job:
        async def run(_deps: Deps) -> int:
            runs.append(who)
            return 0

        return Job("count", timedelta(seconds=10), run)

    a, b = create_deps(cfg, clock), create_deps(cfg, clock)
    first, second = Jobs(a, [counting("a")]), Jobs(b, [counting("b")])
    try:
        for _ in range(3):
            await first.run_once()
            await second.run_once()
        assert runs == ["a", "a", "a"]  # b schedules them too, and runs none
        # The leader's process dies: its connection goes, and its lock with it.
        conn = first.leadership._conn
        assert conn is not None
        pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        async with b.engine.connect() as killer:
            await killer.execute(text(f"SELECT pg_terminate_backend({int(pid)})"))
        runs.clear()
        for _ in range(50):  # the server frees the lock as the backend exits
            await second.run_once()
            if runs:
                break
            await asyncio.sleep(0.02)
        await first.run_once()  # its connection is gone: it no longer leads
        assert runs == ["b"]
    finally:
        await first.leadership.release()
        await second.leadership.release()
        await a.engine.dispose()
        await b.engine.dispose()


async def test_on_sqlite_the_one_process_always_leads(tmp_path: Path, clock: Clock) -> None:
    deps = create_deps(make_config(f"sqlite+aiosqlite:///{tmp_path / 'l.db'}", tmp_path), clock)
    assert await Jobs(deps, []).leadership.held()
    await deps.engine.dispose()
