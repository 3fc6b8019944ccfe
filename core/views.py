"""Plain views of reports handed out of ``core`` (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.enums import ReportStatus
from storage.models import Report

#: What stands for a resident's words once she has erased them.
ERASED = "—"


@dataclass(frozen=True)
class ReportView:
    id: int
    resident_id: int
    service: str
    status: ReportStatus
    text: str
    redacted_text: str
    lang: str
    urgent: bool
    address: str | None
    lat: float | None
    lon: float | None
    created_at: datetime
    photo_file_id: str | None = None
    duplicate_of: int | None = None
    assignee_id: int | None = None
    assignee_name: str | None = None
    #: Where the response times count from (its creation, or its reopening).
    due_from: datetime | None = None
    deadline_stage: int = 0
    #: Why it may be urgent: set with ``urgent`` on a rule, alone on the learnt danger score.
    danger: str | None = None

    @property
    def may_be_urgent(self) -> bool:
        """Flagged by the learnt danger score only: agents should look soon, not marked urgent."""
        return self.danger is not None and not self.urgent

    @property
    def map_url(self) -> str | None:
        if self.lat is None or self.lon is None:
            return None
        return (
            f"https://www.openstreetmap.org/?mlat={self.lat:.6f}&mlon={self.lon:.6f}"
            f"#map=18/{self.lat:.6f}/{self.lon:.6f}"
        )


def view(r: Report, photo_file_id: str | None = None) -> ReportView:
    return ReportView(
        id=r.id,
        resident_id=r.resident_id,
        service=r.service_code,
        status=r.status,
        text=r.text,
        redacted_text=r.redacted_text,
        lang=r.lang,
        urgent=r.urgent,
        address=r.address,
        lat=r.lat,
        lon=r.lon,
        created_at=r.created_at,
        photo_file_id=photo_file_id,
        duplicate_of=r.duplicate_of,
        assignee_id=r.assignee_telegram_id,
        assignee_name=r.assignee_name,
        due_from=r.due_from or r.created_at,
        deadline_stage=r.deadline_stage or 0,
        danger=r.danger,
    )
