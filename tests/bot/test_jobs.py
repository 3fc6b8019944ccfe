"""The jobs are on PTB's JobQueue in a real process, and not when a test drives the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.fake_telegram import FakeBotApi
from bot.jobs import Job, Jobs, default_jobs
from bot.runtime import Runtime
from tests.conftest import Clock, make_config


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
