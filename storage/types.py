"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite forgets the zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Integer primary keys are int4 on PostgreSQL (SQLite would take 64 bits): an id read from a
#: button, a link or a URL must fit before it reaches a query, or PostgreSQL refuses the query.
ROW_ID_MAX = 2**31 - 1
#: Telegram's ids (users, chats, updates, messages) live in BigInteger columns: signed 64 bits.
BIG_MIN, BIG_MAX = -(2**63), 2**63 - 1


def fits_row_id(n: int) -> bool:
    return 0 <= n <= ROW_ID_MAX


def fits_big(n: int) -> bool:
    return BIG_MIN <= n <= BIG_MAX
