"""Failure classes, from real errors of real databases: what waiting can cure, and what the
input caused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import create_engine
from storage.failures import Failure, classify
from tests.conftest import PG_URL
from tests.faults.proxy import Proxy

pg = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (SENSCOMMUN_TEST_PG_URL)")


async def _error(url: str, sql: str, **params: object) -> BaseException:
    engine = create_engine(url, busy_timeout_ms=0)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql), params)
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("no error")


async def test_an_id_beyond_64_bits_on_sqlite_is_the_input(sqlite_url: str) -> None:
    exc = await _error(sqlite_url, "SELECT :i", i=10**30)
    assert isinstance(exc, OverflowError)
    assert classify(exc) is Failure.INPUT


async def test_a_locked_sqlite_is_transient(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    other = sqlite3.connect(db, timeout=0)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")
    try:
        exc = await _error(f"sqlite+aiosqlite:///{db}", "INSERT INTO t VALUES (1)")
    finally:
        other.rollback()
        other.close()
    assert "locked" in str(exc)
    assert classify(exc) is Failure.TRANSIENT


async def test_a_refused_connection_is_transient() -> None:
    exc = await _error("postgresql+asyncpg://nobody@127.0.0.1:9/none", "SELECT 1")
    assert isinstance(exc, OSError)
    assert classify(exc) is Failure.TRANSIENT


def test_parsing_errors_and_surprises_are_counted() -> None:
    for exc in (ValueError("x"), KeyError("x"), TypeError("x"), RuntimeError("x")):
        assert classify(exc) is Failure.INPUT
    assert classify(TimeoutError()) is Failure.TRANSIENT
    assert classify(ConnectionResetError()) is Failure.TRANSIENT


@pg
async def test_an_id_out_of_int4_on_postgresql_is_the_input() -> None:
    assert PG_URL is not None
    exc = await _error(PG_URL, "SELECT CAST(:i AS integer)", i=123456789012345678)
    assert classify(exc) is Failure.INPUT  # not "the database is down": counted, set aside


@pg
async def test_a_nul_character_on_postgresql_is_the_input() -> None:
    assert PG_URL is not None
    exc = await _error(PG_URL, "SELECT CAST(:s AS text)", s="a\x00b")
    assert classify(exc) is Failure.INPUT


@pg
async def test_a_connection_cut_mid_query_is_transient() -> None:
    assert PG_URL is not None
    proxy, url = Proxy.before(PG_URL)
    await proxy.start()
    engine = create_engine(proxy.url(url))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await proxy.cut()
            with pytest.raises(Exception) as caught:
                await conn.execute(text("SELECT 1"))
        assert classify(caught.value) is Failure.TRANSIENT
        with pytest.raises(OSError) as refused:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        assert classify(refused.value) is Failure.TRANSIENT
    finally:
        await proxy.stop()
        await engine.dispose()
