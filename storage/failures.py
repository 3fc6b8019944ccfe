"""Failure classes, stated once: what an exception met while storing or processing says about
what to do next.

``TRANSIENT``: the world around the program failed (a database that is down, locked or
restarting, a connection refused, reset or timed out). Nothing is the update's fault: it stays
pending and is tried again later, without counting an attempt, for as long as it takes.

``INPUT``: the update itself caused it (an id out of a column's range, a character the database
refuses, a constraint it breaks, a shape the parser refuses), or a bug that this update meets.
It counts as one of the update's attempts; after a few, the update is set aside (with an
apology where there is someone to apologise to), so that one bad update never blocks its chat.

Anything not known to be transient is counted: retrying without counting is only safe when
waiting can cure the failure, and a wrong "transient" blocks a chat for ever, while a wrong
"input" costs one update after three tries.
"""

from __future__ import annotations

import sqlite3
from enum import Enum

from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: SQLSTATE classes (PostgreSQL) where waiting helps: connection exception, transaction
#: rollback (serialisation, deadlock), insufficient resources, operator intervention (shutdown,
#: cancelled by a timeout), system error.
_TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57", "58")
#: And single codes: lock not available, object in use.
_TRANSIENT_SQLSTATES = ("55P03", "55006")
#: SQLite's words for "another connection holds the file, or the disk hiccuped".
_SQLITE_TRANSIENT = ("locked", "busy", "disk i/o", "unable to open")
#: Driver exceptions without an SQLSTATE that mean the connection went away (asyncpg names).
_DISCONNECTED = ("ConnectionDoesNotExistError", "ConnectionFailureError", "InterfaceError")


class Failure(Enum):
    TRANSIENT = "transient"
    INPUT = "input"


def classify(exc: BaseException) -> Failure:
    """The class of ``exc``, looking through SQLAlchemy's wrapping to the driver's error."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if _is_transient(cur):
            return Failure.TRANSIENT
        orig = getattr(cur, "orig", None)
        cur = orig if isinstance(orig, BaseException) else (cur.__cause__ or cur.__context__)
    return Failure.INPUT


def is_transient(exc: BaseException) -> bool:
    return classify(exc) is Failure.TRANSIENT


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OSError | PoolTimeout | DisconnectionError):
        return True  # refused, reset, timed out (TimeoutError is an OSError); no connection
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(state, str) and state:
        return state[:2] in _TRANSIENT_SQLSTATE_CLASSES or state in _TRANSIENT_SQLSTATES
    if isinstance(exc, sqlite3.OperationalError):
        words = str(exc).lower()
        return any(w in words for w in _SQLITE_TRANSIENT)
    return type(exc).__name__ in _DISCONNECTED and "closed" in str(exc).lower()
