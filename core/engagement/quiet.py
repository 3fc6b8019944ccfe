"""Quiet hours: pushes the resident did not ask for wait until the morning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, spec: str) -> QuietHours:
        """``"21:00-09:00"``: from 21:00 to 09:00 the next morning, local time."""
        try:
            a, b = (part.strip() for part in spec.split("-"))
            start, end = time.fromisoformat(a), time.fromisoformat(b)
        except ValueError as exc:
            raise ValueError(f"{spec!r} is not a range such as '21:00-09:00'") from exc
        if start == end:
            raise ValueError(f"{spec!r} is an empty range")
        return cls(start, end)

    def contains(self, t: time) -> bool:
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # across midnight

    def next_allowed(self, now: datetime, tz: ZoneInfo) -> datetime:
        """``now`` when it is not quiet, else the end of the quiet hours (aware, in UTC)."""
        local = now.astimezone(tz)
        if not self.contains(local.time().replace(tzinfo=None)):
            return now
        end = datetime.combine(local.date(), self.end, tzinfo=tz)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=tz)
        return end.astimezone(now.tzinfo or ZoneInfo("UTC"))


def quiet_hours(spec: str) -> QuietHours | None:
    return QuietHours.parse(spec) if spec.strip() else None
