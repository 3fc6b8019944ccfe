"""Files others on the machine should not read: the config (the bot token), the SQLite database
(every report) and the media folder (residents' photos). Start-up logs a warning for each one
readable by the group or others (``senscommun doctor`` reports the same); nothing is changed:
the operator may share them on purpose (a backup user's group)."""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.config.settings import Config
from storage.db import is_sqlite

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exposed:
    what: str  # "config file", "database", "media folder"
    path: Path
    mode: int  # the permission bits

    def __str__(self) -> str:
        return (
            f"{self.what} {self.path} has mode {self.mode:04o}: the group or others can reach it"
            f" (chmod {'700' if self.path.is_dir() else '600'} {self.path})"
        )


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None in memory or for PostgreSQL)."""
    if not is_sqlite(url):
        return None
    rest = url.split("://", 1)[1].removeprefix("/").split("?", 1)[0]
    return None if not rest or rest == ":memory:" else Path(rest)


def watched(config: Config, config_path: Path | None) -> list[tuple[str, Path]]:
    """The paths that hold secrets or personal data, those that exist."""
    paths: list[tuple[str, Path]] = []
    if config_path is not None:
        paths.append(("config file", config_path))
    db = sqlite_path(config.database.url)
    if db is not None:
        paths += [("database", db), ("database", db.with_name(db.name + "-wal"))]
    paths.append(("media folder", config.bot.media_dir))
    return [(what, p) for what, p in paths if p.exists()]


def exposed(config: Config, config_path: Path | None = None) -> list[Exposed]:
    """Each watched path the group or others may read, write or enter."""
    found = []
    for what, path in watched(config, config_path):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            found.append(Exposed(what, path, mode))
    return found


def check_permissions(config: Config, config_path: Path | None = None) -> list[Exposed]:
    """Log a warning for each exposed path (its name and mode, never its content)."""
    found = exposed(config, config_path)
    for e in found:
        log.warning("permissions: %s", e)
    return found
