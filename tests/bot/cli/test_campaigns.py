"""``senscommun broadcast``: send, status, and sending again what a crash left in doubt."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config.settings import load_config
from bot.factory import create_deps
from storage.enums import OutboxKind, OutboxPurpose, OutboxState
from storage.models import OutboxMessage


async def _leave_in_doubt(config: Path, campaign_id: int) -> None:
    """As a crash would: one of the campaign's messages was on the wire, its outcome lost."""
    svc = create_deps(load_config(config))
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    try:
        async with svc.sessions() as s:
            s.add(
                OutboxMessage(
                    campaign_id=campaign_id,
                    chat_id=42,
                    kind=OutboxKind.MESSAGE,
                    purpose=OutboxPurpose.BROADCAST,
                    payload={"text": "x"},
                    state=OutboxState.UNKNOWN,
                    attempts=1,
                    not_before=now,
                    created_at=now,
                )
            )
            await s.commit()
    finally:
        await svc.engine.dispose()


def test_broadcast_commands(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url}"\n\n[nlp]\nkind = "keywords"\n')
    assert main(["--config", str(config), "db", "upgrade"]) == 0
    assert main(["--config", str(config), "broadcast", "send", "--topic", "nope", "--fr", "x"]) == 2
    assert "no topic 'nope'" in capsys.readouterr().err
    assert (
        main(["--config", str(config), "broadcast", "send", "--topic", "works", "--fr", "x"]) == 0
    )
    assert (
        "broadcast #1 to the subscribers of works: 0 message(s) queued" in capsys.readouterr().out
    )
    asyncio.run(_leave_in_doubt(config, 1))
    assert main(["--config", str(config), "broadcast", "status", "1"]) == 0
    assert "campaign #1: 1 recipient(s): unknown 1" in capsys.readouterr().out
    assert main(["--config", str(config), "broadcast", "resend-unknown", "1"]) == 0
    assert "campaign #1: 1 message(s) in doubt queued again" in capsys.readouterr().out
    assert main(["--config", str(config), "broadcast", "status", "1"]) == 0
    assert "campaign #1: 1 recipient(s): pending 1" in capsys.readouterr().out
    assert main(["--config", str(config), "broadcast", "resend-unknown", "1"]) == 0
    assert "campaign #1: 0 message(s) in doubt queued again" in capsys.readouterr().out
