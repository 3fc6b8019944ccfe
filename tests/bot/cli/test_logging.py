"""``-v`` logs our own DEBUG lines, never a statement's parameters, a row, or the token; an
error's text never quotes a statement's parameters (``hide_parameters``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.cli import main
from storage.db import create_engine

SECRET_WORDS = "Marie Dupont 06 12 34 56 78"


@pytest.fixture
def verbose() -> Iterator[None]:
    root = logging.getLogger()
    levels = {n: logging.getLogger(n).level for n in (*main.QUIET, "")}
    filters = {h: list(h.filters) for h in root.handlers}
    main._logging(True)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for h, kept in filters.items():
        h.filters[:] = kept


async def test_verbose_logs_hold_no_sql_parameters_nor_rows(
    verbose: None, caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = create_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, words TEXT UNIQUE)"))
        await conn.execute(text("INSERT INTO t (words) VALUES (:w)"), {"w": SECRET_WORDS})
        rows = (await conn.execute(text("SELECT words FROM t"))).all()
        assert rows[0][0] == SECRET_WORDS
        with pytest.raises(IntegrityError) as err:
            await conn.execute(text("INSERT INTO t (words) VALUES (:w)"), {"w": SECRET_WORDS})
    await engine.dispose()
    assert SECRET_WORDS not in str(err.value)  # an error stored or logged: no parameters
    assert logging.getLogger().isEnabledFor(logging.DEBUG)
    assert not [r for r in caplog.records if SECRET_WORDS in r.getMessage()]
    assert not [r for r in caplog.records if r.name.startswith(("sqlalchemy", "aiosqlite"))]
