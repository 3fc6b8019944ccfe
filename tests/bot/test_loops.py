"""Loops that cannot die: a pass that fails, whatever the exception, is followed by another;
a loop that ended anyway is started again by the supervisor."""

from __future__ import annotations

import asyncio

from bot.loops import Backoff, Supervisor, Task, Worker, guarded


class Flaky(Worker):
    name = "flaky"
    poll_interval = 0.01
    error_pause = 0.001

    def __init__(self, failures: list[BaseException]) -> None:
        super().__init__()
        self.failures = failures
        self.done = 0

    async def drain_once(self) -> int:
        if self.failures:
            raise self.failures.pop(0)
        self.done += 1
        return 0


async def _until(cond: object, within: float = 2.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not cond():  # type: ignore[operator]
        assert loop.time() < deadline, "never happened"
        await asyncio.sleep(0.005)


async def test_a_worker_survives_any_exception_and_goes_on() -> None:
    w = Flaky([RuntimeError("a bug"), OverflowError("data"), KeyError("x"), OSError("down")])
    w.start()
    await _until(lambda: w.done >= 2)
    assert w.alive and w.last_pass is not None
    assert w.backoff.failures == 0  # reset by the pass that worked
    await w.stop()
    assert not w.alive


def test_backoff_doubles_up_to_its_limit_and_resets() -> None:
    b = Backoff(0.1, 0.5)
    assert [b.next() for _ in range(5)] == [0.1, 0.2, 0.4, 0.5, 0.5]
    b.reset()
    assert b.next() == 0.1


async def test_the_supervisor_starts_again_a_loop_that_ended() -> None:
    runs: list[int] = []

    async def body(task: Task) -> None:
        runs.append(1)
        task.went_round()
        if len(runs) == 1:
            return  # ends, as a loop with a bug would
        await asyncio.Event().wait()

    task = Task("polling", body)
    sup = Supervisor([task], every=0.01)
    task.start()
    await _until(lambda: runs and not task.alive)
    sup.start()
    await _until(lambda: len(runs) == 2 and task.alive)
    assert sup.restarts == 1
    await sup.stop()
    await task.stop()
    assert sup.check() == 0  # a loop stopped on purpose is not started again


async def test_a_guarded_job_never_raises() -> None:
    async def boom() -> int:
        raise ValueError("a bug in a job")

    assert await guarded("boom", boom)() == 0
