"""``senscommun apikey`` (create prints the key once and keeps its hash; list; revoke) and
``senscommun forwards`` (status, retry)."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.config.settings import load_config
from bot.factory import create_deps
from core.integrations import api_clients
from storage.enums import ForwardChannel, ForwardState, ReportStatus
from storage.models import ApiClient, Forward, Report, Resident, Service


async def _clients(config: Path) -> tuple[list[ApiClient], list[Resident]]:
    svc = create_deps(load_config(config))
    try:
        async with svc.sessions() as s:
            clients = list((await s.scalars(select(ApiClient))).all())
            residents = list((await s.scalars(select(Resident))).all())
            return clients, residents
    finally:
        await svc.engine.dispose()


async def _verify(config: Path, key: str) -> str | None:
    svc = create_deps(load_config(config))
    try:
        async with svc.sessions() as s:
            found = await api_clients.verify(s, key)
            return None if found is None else found.name
    finally:
        await svc.engine.dispose()


def _config(sqlite_url: str, tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url}"\n\n[nlp]\nkind = "keywords"\n')
    assert main(["--config", str(config), "db", "upgrade"]) == 0
    return config


def test_apikey_create_list_revoke(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(sqlite_url, tmp_path)
    capsys.readouterr()
    assert main(["--config", str(config), "apikey", "create", "crm-voirie"]) == 0
    key = capsys.readouterr().out.splitlines()[-1]
    assert key.startswith("sc_") and len(key) > 40
    (client,), (stand_in,) = asyncio.run(_clients(config))
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()  # only the hash
    assert (stand_in.first_name, stand_in.chat_id, stand_in.telegram_user_id) == (
        "crm-voirie",
        None,
        None,
    )
    assert asyncio.run(_verify(config, key)) == "crm-voirie"

    assert main(["--config", str(config), "apikey", "create", "crm-voirie"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["--config", str(config), "apikey", "create", "Bad Name!"]) == 2
    assert main(["--config", str(config), "apikey", "list"]) == 0
    assert "crm-voirie\tcreated " in capsys.readouterr().out

    assert main(["--config", str(config), "apikey", "revoke", "crm-voirie"]) == 0
    assert asyncio.run(_verify(config, key)) is None
    assert main(["--config", str(config), "apikey", "revoke", "crm-voirie"]) == 1
    assert main(["--config", str(config), "apikey", "list"]) == 0
    assert "revoked " in capsys.readouterr().out
    assert main(["--config", str(config), "apikey", "create", "crm-voirie"]) == 0  # name freed


async def _add_forwards(config: Path) -> None:
    svc = create_deps(load_config(config))
    at = datetime(2026, 11, 1, tzinfo=UTC)
    try:
        async with svc.sessions() as s:
            who = Resident(first_name="x", language="fr", created_at=at, last_seen_at=at)
            s.add(who)
            await s.flush()
            s.add(Service(code="water", name_fr="Eau", name_en="Water", active=True))
            await s.flush()
            r = Report(
                resident_id=who.id,
                service_code="water",
                status=ReportStatus.NEW,
                text="t",
                redacted_text="t",
                lang="fr",
                suggested_service="water",
                created_at=at,
                updated_at=at,
            )
            s.add(r)
            await s.flush()
            for channel, state in [
                (ForwardChannel.EMAIL, ForwardState.SENT),
                (ForwardChannel.OPEN311, ForwardState.FAILED),
                (ForwardChannel.OPEN311, ForwardState.PENDING),
            ]:
                s.add(
                    Forward(
                        report_id=r.id,
                        service_code="water",
                        channel=channel,
                        state=state,
                        attempts=1,
                        not_before=at,
                        created_at=at,
                    )
                )
            await s.commit()
    finally:
        await svc.engine.dispose()


def test_forwards_status_and_retry(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(sqlite_url, tmp_path)
    capsys.readouterr()
    assert main(["--config", str(config), "forwards", "status"]) == 0
    assert "forwards: none" in capsys.readouterr().out
    asyncio.run(_add_forwards(config))
    assert main(["--config", str(config), "forwards", "status"]) == 0
    out = capsys.readouterr().out
    assert "email: sent 1" in out and "open311: failed 1, pending 1" in out
    assert "failed: 1 (senscommun forwards retry sends them again)" in out
    assert main(["--config", str(config), "forwards", "retry"]) == 0
    assert "1 failed forward(s) queued again" in capsys.readouterr().out
    assert main(["--config", str(config), "forwards", "status"]) == 0
    assert "open311: pending 2" in capsys.readouterr().out
