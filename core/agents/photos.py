"""A ticket's photos for the dashboard: shown to the agents of the ticket's service only.

Photos are kept in the media folder (``settings.media_dir``) when the bot receives them; only a
file inside that folder is ever read, whatever path a row holds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import NotAllowed
from core.agents.access import Agent
from core.deps import Deps
from core.reports import status
from storage.models import Photo


def _kept(deps: Deps, stored: str | None) -> Path | None:
    """The file of a stored path, if it is a file inside the media folder."""
    if not stored:
        return None
    folder = deps.settings.media_dir.resolve()
    try:
        path = Path(stored).resolve()
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    return path


async def kept_photos(s: AsyncSession, deps: Deps, report_id: int) -> list[int]:
    """The ids of the report's photos whose file is kept (the caller has authorised)."""
    rows = await s.execute(
        select(Photo.id, Photo.path).where(Photo.report_id == report_id).order_by(Photo.id)
    )
    return [pid for pid, path in rows if _kept(deps, path) is not None]


async def photo_file(s: AsyncSession, deps: Deps, agent: Agent, photo_id: int) -> Path:
    """The file of a photo, for an agent of its report's service; raises :class:`NotAllowed`
    (``agent.unknown_report`` when there is no such photo or file, ``agent.not_allowed`` for
    another service's agent)."""
    row = await s.get(Photo, photo_id)
    if row is None:
        raise NotAllowed("agent.unknown_report")
    await status.authorise(s, deps, agent.ref, row.report_id)
    path = _kept(deps, row.path)
    if path is None:
        raise NotAllowed("agent.unknown_report")
    return path
