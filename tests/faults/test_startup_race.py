"""Start-up: SQLite serves one process (a second server is refused with one clear line), and
processes starting together migrate one after the other."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.demo.fake_telegram import FakeBotApi
from bot.runtime import AlreadyRunning, Runtime
from storage.db import create_engine
from storage.migrate import current_revision, head_revision, upgrade
from tests.conftest import Clock, make_config


async def test_a_second_server_on_one_sqlite_file_is_refused(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api)
    async with Runtime(cfg, clock=clock):
        second = Runtime(cfg, clock=clock)
        with pytest.raises(AlreadyRunning) as refused:
            await second.start()
        assert "SQLite serves one process" in str(refused.value)
        assert "\n" not in str(refused.value)
        await second.app.shutdown()
        await second.deps.engine.dispose()
    async with Runtime(cfg, clock=clock):  # once the first has stopped, it starts
        pass


async def test_the_command_line_says_it_in_one_line(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api)
    toml = tmp_path / "c.toml"
    toml.write_text(
        f'[telegram]\ntoken = "123:test"\napi_base_url = "{api.base_url}"\n'
        f'[database]\nurl = "{sqlite_url}"\n[webhook]\nport = 0\n',
        encoding="utf-8",
    )
    async with Runtime(cfg, clock=clock):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli.main",
            "--config",
            str(toml),
            "run",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith("senscommun: another process already serves")


async def test_processes_starting_together_on_sqlite_migrate_one_after_the_other(
    sqlite_url: str,
) -> None:
    """Without waiting at all on SQLite's lock (busy timeout 0), three start-ups at once still
    migrate once: they queue on the migration's lock file instead of meeting 'database is
    locked'."""
    engines = [create_engine(sqlite_url, busy_timeout_ms=0) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(e) for e in engines))
        assert await current_revision(engines[0]) == head_revision()
    finally:
        for e in engines:
            await e.dispose()
