"""Is it already reported? Open reports of the same service nearby, in words alike.

A candidate is open, of the same service, less than ``max_age`` old, within ``radius_m`` of
the new report (or at the same normalised address), and its text is similar enough.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.views import ReportView, view
from nlp.types import Classifier
from storage.enums import OPEN_STATUSES
from storage.models import CoReporter, Report

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Rules:
    radius_m: float = 150.0
    max_age: timedelta = timedelta(days=30)
    min_similarity: float = 0.25
    max_candidates: int = 3


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _norm(place: str | None) -> str:
    return " ".join((place or "").lower().replace(",", " ").split())


def _same_place(a: str | None, b: str | None) -> bool:
    return bool(a and b and _norm(a) == _norm(b))


async def candidates(
    s: AsyncSession,
    nlp: Classifier,
    service: str,
    text: str,
    lat: float | None,
    lon: float | None,
    address: str | None,
    now: datetime,
    exclude_resident: int,
    rules: Rules = Rules(),
) -> list[ReportView]:
    """Open reports that may be the same problem, most similar first."""
    rows = (
        await s.scalars(
            select(Report)
            .where(
                Report.service_code == service,
                Report.status.in_(OPEN_STATUSES),
                Report.created_at >= now - rules.max_age,
                Report.resident_id != exclude_resident,
            )
            .order_by(Report.id.desc())
            .limit(200)
        )
    ).all()
    near = [
        r
        for r in rows
        if (
            lat is not None
            and r.lat is not None
            and r.lon is not None
            and lon is not None
            and distance_m(lat, lon, r.lat, r.lon) <= rules.radius_m
        )
        or _same_place(address, r.address)
    ]
    if not near:
        return []
    scores = await asyncio.to_thread(lambda: [nlp.similarity(text, r.text) for r in near])
    ranked = sorted(zip(scores, near, strict=True), key=lambda p: -p[0])
    return [view(r) for score, r in ranked if score >= rules.min_similarity][: rules.max_candidates]


async def join(s: AsyncSession, report_id: int, resident_id: int, now: datetime) -> bool:
    """Add a co-reporter; False when the resident already follows the report (or wrote it)."""
    report = await s.get(Report, report_id)
    if report is None or report.resident_id == resident_id or not report.status.is_open:
        return False
    exists = await s.scalar(
        select(CoReporter.id).where(
            CoReporter.report_id == report_id, CoReporter.resident_id == resident_id
        )
    )
    if exists is not None:
        return False
    s.add(CoReporter(report_id=report_id, resident_id=resident_id, created_at=now))
    await s.flush()
    return True


async def co_reporter_ids(s: AsyncSession, report_id: int) -> list[int]:
    return list(
        (
            await s.scalars(
                select(CoReporter.resident_id)
                .where(CoReporter.report_id == report_id)
                .order_by(CoReporter.id)
            )
        ).all()
    )
