"""``senscommun outbox``: status (counts by lane and state, the oldest due) and retry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.config.settings import load_config
from bot.factory import create_deps
from storage.enums import OutboxKind, OutboxLane, OutboxPurpose, OutboxState
from storage.models import OutboxMessage

LONG_AGO = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
LATELY = datetime.now(UTC) - timedelta(hours=1)


async def _rows(config: Path) -> list[OutboxMessage]:
    svc = create_deps(load_config(config))
    try:
        async with svc.sessions() as s:
            return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())
    finally:
        await svc.engine.dispose()


async def _add(config: Path) -> None:
    svc = create_deps(load_config(config))
    rows = [
        (OutboxState.FAILED, OutboxLane.CONVERSATION, OutboxPurpose.STATUS, LONG_AGO),
        (OutboxState.FAILED, OutboxLane.CONVERSATION, OutboxPurpose.CARD, LATELY),
        (OutboxState.PENDING, OutboxLane.PUSH, OutboxPurpose.BROADCAST, LATELY),
        (OutboxState.SENT, OutboxLane.URGENT, OutboxPurpose.CARD, LATELY),
    ]
    try:
        async with svc.sessions() as s:
            for state, lane, purpose, at in rows:
                s.add(
                    OutboxMessage(
                        chat_id=42,
                        kind=OutboxKind.MESSAGE,
                        purpose=purpose,
                        lane=int(lane),
                        payload={"text": "x"},
                        state=state,
                        attempts=8 if state is OutboxState.FAILED else 1,
                        not_before=at,
                        created_at=at,
                    )
                )
            await s.commit()
    finally:
        await svc.engine.dispose()


def test_outbox_status_and_retry(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url}"\n\n[nlp]\nkind = "keywords"\n')
    assert main(["--config", str(config), "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "outbox", "status"]) == 0
    assert "outbox: empty" in capsys.readouterr().out
    asyncio.run(_add(config))
    assert main(["--config", str(config), "outbox", "status"]) == 0
    out = capsys.readouterr().out
    assert "lane 1 (urgent): sent 1" in out
    assert "lane 2 (conversation): failed 2" in out
    assert "lane 3 (push): pending 1" in out
    assert "due now: 1; the oldest written " in out
    assert "failed: 2 (senscommun outbox retry sends them again)" in out

    assert main(["--config", str(config), "outbox", "retry", "--since", "yesterday"]) == 2
    since = (LATELY - timedelta(minutes=5)).isoformat()
    assert main(["--config", str(config), "outbox", "retry", "--since", since]) == 0
    assert "outbox: 1 failed message(s) written since" in capsys.readouterr().out
    states = [r.state for r in asyncio.run(_rows(config))]
    assert states == [
        OutboxState.FAILED,
        OutboxState.PENDING,
        OutboxState.PENDING,
        OutboxState.SENT,
    ]
    assert main(["--config", str(config), "outbox", "retry"]) == 0
    assert "outbox: 1 failed message(s) queued again" in capsys.readouterr().out
    rows = asyncio.run(_rows(config))
    assert OutboxState.FAILED not in {r.state for r in rows}
    assert rows[0].attempts == 0  # attempts afresh
