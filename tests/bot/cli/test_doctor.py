"""``senscommun doctor``: the config, the database and its migration, permissions, keys; and the
start-up warning about files others can read."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config.settings import load_config
from bot.permissions import check_permissions


def _config(tmp_path: Path, sqlite_url: str, extra: str = "") -> Path:
    config = tmp_path / "config.toml"
    media = tmp_path / "media"
    config.write_text(
        f'[database]\nurl = "{sqlite_url}"\n\n[nlp]\nkind = "keywords"\n\n'
        f'[bot]\nmedia_dir = "{media}"\n{extra}'
    )
    return config


def _doctor(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(config), "doctor"])
    return code, capsys.readouterr().out


def test_doctor_reports_each_problem_then_all_clear(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, sqlite_url)
    config.chmod(0o644)
    code, out = _doctor(config, capsys)
    assert code == 1 and "ok   config: valid" in out
    assert "FAIL database: at empty" in out and "senscommun db upgrade" in out

    assert main(["--config", str(config), "db", "upgrade"]) == 0
    code, out = _doctor(config, capsys)
    assert "ok   database: reachable" in out
    assert "FAIL keys: no report-link key yet" in out
    assert f"FAIL permissions: config file {config} has mode 0644" in out

    assert main(["--config", str(config), "secrets", "rotate"]) == 0  # makes a key too
    config.chmod(0o600)
    db = Path(sqlite_url.split("///", 1)[1])
    db.chmod(0o600)
    code, out = _doctor(config, capsys)
    assert code == 0, out
    assert "ok   keys: report-link key stored" in out
    assert "ok   permissions:" in out


def test_doctor_names_a_bad_config_and_a_weak_webhook_secret(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, sqlite_url, '\n[webhook]\nsecret_token = "abc"\n')
    code, out = _doctor(config, capsys)
    assert code == 1 and "FAIL config: webhook.secret_token: must be at least 16" in out


def test_the_start_warns_about_files_others_can_read(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = _config(tmp_path, sqlite_url, '\n[telegram]\ntoken = "123:very-secret-token"\n')
    config.chmod(0o640)
    media = tmp_path / "media"
    media.mkdir(mode=0o755)
    media.chmod(0o755)
    cfg = load_config(config, env={})
    with caplog.at_level(logging.WARNING):
        found = check_permissions(cfg, config)
    assert {(e.what, e.mode) for e in found} == {("config file", 0o640), ("media folder", 0o755)}
    lines = [r.getMessage() for r in caplog.records]
    assert any(str(config) in line and "0640" in line for line in lines)
    assert any(str(media) in line and "0755" in line and "chmod 700" in line for line in lines)
    assert not any("very-secret-token" in line for line in lines)
    media.chmod(0o700)
    config.chmod(0o600)
    assert check_permissions(cfg, config) == []
