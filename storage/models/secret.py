"""Keys the product makes for itself at first start: the report links' key, the webhook's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Secret(Base):
    """One key of a kind (``name``), by version: the newest signs, the older ones are still
    accepted until removed (``senscommun secrets``). Kept in the database, not in a file, so
    that every process of a PostgreSQL deployment (web, workers, several hosts) reads the same
    keys; a copy of the database holds nothing these keys protect that it does not hold
    already (the reports themselves)."""

    __tablename__ = "secrets"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
