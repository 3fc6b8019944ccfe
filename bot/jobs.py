"""Scheduled jobs, run by PTB's JobQueue (APScheduler 3) in the worker process.

Each job is a ``core`` use case that reads what is due from the database and writes outbox
rows, so it can run again after a restart, late, or twice, without sending anything twice.
Tests travel in time by moving the clock and calling :meth:`Jobs.run_once`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from core.deps import Deps
from core.engagement import campaigns, questionnaire, surveys
from core.ideas import answers as idea_answers
from core.reports import deadlines
from storage import inbox, outbox_admin
from storage.leader import Leadership

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[Deps], Awaitable[int]]  # returns how many things it did


async def forget_inbox(deps: Deps) -> int:
    """Processed updates are deleted after ``inbox.keep_days`` (see ``storage.inbox``)."""
    before = deps.clock() - timedelta(days=deps.settings.inbox_keep_days)
    async with deps.writing() as s:
        done = await inbox.forget_processed(s, before)
        await s.commit()
    return done


async def forget_outbox(deps: Deps) -> int:
    """Delivered messages lose their text after ``outbox.keep_days``; the rows stay (see
    ``storage.outbox_admin``). In batches, one transaction each: a first run on a large
    table does not hold the database for long."""
    before = deps.clock() - timedelta(days=deps.settings.outbox_keep_days)
    total = 0
    while True:
        async with deps.writing() as s:
            done = await outbox_admin.forget_delivered(s, before, FORGET_BATCH)
            await s.commit()
        total += done
        if done < FORGET_BATCH:
            return total


FORGET_BATCH = 5_000


def default_jobs() -> list[Job]:
    return [
        Job("questionnaires", timedelta(seconds=60), questionnaire.send_due),
        Job("still_open", timedelta(hours=1), questionnaire.ask_still_open),
        Job("surveys", timedelta(seconds=60), surveys.start_due),
        Job("campaigns", timedelta(seconds=10), campaigns.expand_all),
        Job("idea_reminders", timedelta(hours=1), idea_answers.remind_job),
        Job("response_times", timedelta(minutes=5), deadlines.remind_job),
        Job("inbox_retention", timedelta(hours=1), forget_inbox),
        Job("outbox_retention", timedelta(hours=1), forget_outbox),
    ]


class Jobs:
    def __init__(
        self, services: Deps, jobs: list[Job], after: Callable[[], None] = lambda: None
    ) -> None:
        """``after`` is called when a job did something (it wakes the outbox worker). On
        PostgreSQL only the elected leader runs them (``storage.leader``): every worker
        schedules them, and the others take over within a tick when the leader dies."""
        self.svc, self.jobs, self.after = services, jobs, after
        self.leadership = Leadership(services.engine)

    def schedule(self, job_queue: Any) -> None:
        for i, job in enumerate(self.jobs):
            job_queue.run_repeating(
                self._callback(job),
                interval=job.every,
                first=timedelta(seconds=5 + i),  # after start-up, not all at once
                name=job.name,
            )

    def _callback(self, job: Job) -> Callable[[Any], Awaitable[None]]:
        async def callback(_context: Any) -> None:
            await self.run(job)

        return callback

    async def run(self, job: Job) -> int:
        if not await self.leadership.held():
            return 0
        try:
            done = await job.run(self.svc)
        except SQLAlchemyError as exc:  # locked or down: the next run catches up
            log.warning("job %s: %s; will run again", job.name, type(exc).__name__)
            return 0
        if done:
            log.info("job %s: %s done", job.name, done)
            self.after()
        return done

    async def run_once(self) -> dict[str, int]:
        """Every job once, in order (time-travel tests, ``senscommun`` commands)."""
        return {job.name: await self.run(job) for job in self.jobs}
