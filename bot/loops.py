"""Background loops that cannot die: a loop that drains a table (woken by a kick, or by a poll
interval), the back-off they share, and the supervisor that starts again a loop that ended.

A pass that fails does not end the loop, whatever the exception: a transient failure
(``storage.failures``: the database is away) is logged as a warning, anything else as an error,
each by its type only (never the data it carried); the loop then waits, longer after each
failure in a row, and a kick still wakes it at once. Each loop says whether it is alive and
when it last went round, for ``/ready``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, ParamSpec, Protocol

from storage.failures import is_transient

log = logging.getLogger(__name__)
P = ParamSpec("P")


class Backoff:
    """Pauses after failures in a row: ``first``, doubled each time, at most ``most``."""

    def __init__(self, first: float = 0.1, most: float = 5.0) -> None:
        self.first, self.most = first, most
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        return float(min(self.most, self.first * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0


def log_failure(name: str, exc: BaseException) -> None:
    """One line naming the loop and the exception's type: its message may quote data."""
    if is_transient(exc):
        log.warning("%s: %s; retrying", name, type(exc).__name__)
    else:
        log.error("%s: unexpected %s; going on", name, type(exc).__name__)


class Loop(Protocol):
    """What the supervisor and ``/ready`` see of a loop."""

    name: str

    @property
    def started(self) -> bool: ...

    @property
    def alive(self) -> bool: ...

    @property
    def last_pass(self) -> float | None: ...

    def restart(self) -> None: ...


class Supervised:
    """A background task that the :class:`Supervisor` can check and start again: the one place
    for starting, stopping and telling whether it lives (workers, the inbox writer, polling)."""

    name = "loop"

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.last_pass: float | None = None  # monotonic time the loop last went round

    def _main(self) -> Coroutine[Any, Any, None]:
        raise NotImplementedError

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._main(), name=self.name)

    @property
    def started(self) -> bool:
        return self._task is not None

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    def restart(self) -> None:
        """Start the loop again after it ended (the supervisor's call)."""
        if not self._stopping and not self.alive:
            self.start()

    async def _end(self, cancel: bool) -> None:
        """Stop: ``cancel`` the task, or let it see ``_stopping`` and end by itself."""
        self._stopping = True
        if self._task:
            if cancel:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Worker(Supervised):
    name = "worker"
    poll_interval = 1.0
    error_pause = 0.1  # the first pause after a failure; doubled after each one in a row
    max_error_pause = 5.0  # a kick (new work) still wakes the loop at once

    def __init__(self) -> None:
        super().__init__()
        self._wake = asyncio.Event()
        self.busy = False
        self.backoff = Backoff(self.error_pause, self.max_error_pause)

    async def drain_once(self) -> int:
        """Do what is due now; return how much was done (0 makes the loop wait)."""
        raise NotImplementedError

    def kick(self) -> None:
        self._wake.set()

    def _main(self) -> Coroutine[Any, Any, None]:
        return self._run()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        await self._end(cancel=False)

    async def _run(self) -> None:
        while not self._stopping:
            self.busy = True
            try:
                done = await self.drain_once()
            except Exception as exc:
                log_failure(self.name, exc)
                done = 0
                await self._pause(self.backoff.next())
            else:
                self.backoff.reset()
            finally:
                self.busy = False
                self.last_pass = time.monotonic()
            if done == 0 and not self._stopping:
                await self._pause(self.poll_interval)

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if kicked."""
        if self._stopping:
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)


class Task(Supervised):
    """A long-running coroutine (polling) as a :class:`Loop`: started again when it ends."""

    def __init__(self, name: str, run: Callable[[Task], Coroutine[Any, Any, None]]) -> None:
        super().__init__()
        self.name = name
        self._coroutine = run

    def went_round(self) -> None:
        """The coroutine's heartbeat: it calls this after each pass."""
        self.last_pass = time.monotonic()

    def _main(self) -> Coroutine[Any, Any, None]:
        return self._coroutine(self)

    async def stop(self) -> None:
        await self._end(cancel=True)


class Supervisor:
    """Looks at the loops every ``every`` seconds and starts again one that ended (a loop
    ends only on a bug: the loops themselves catch every exception)."""

    def __init__(self, loops: Sequence[Loop], every: float = 1.0) -> None:
        self.loops = list(loops)
        self.every = every
        self.restarts = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="supervisor")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def check(self) -> int:
        """Start again every loop that was started and ended; returns how many."""
        restarted = 0
        for loop in self.loops:
            if loop.started and not loop.alive:
                loop.restart()
                if loop.alive:
                    log.error("loop %s had ended: started again", loop.name)
                    restarted += 1
        self.restarts += restarted
        return restarted

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                self.check()
            except Exception as exc:  # never the end of the supervisor
                log.error("supervisor: %s", type(exc).__name__)


def guarded(name: str, run: Callable[P, Awaitable[int]]) -> Callable[P, Awaitable[int]]:
    """A scheduled job that never raises: a failure is logged by its type, and the next run
    catches up (every job is idempotent)."""

    async def job(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            return await run(*args, **kwargs)
        except Exception as exc:
            log_failure(f"job {name}", exc)
            return 0

    return job
