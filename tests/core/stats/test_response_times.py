"""Shares within the response times: a young report not answered yet counts for nothing; a
late one counts against; the town's default applies where a service has no targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.stats.response_times import (
    TOWN_DEFAULT,
    ResponseTargets,
    Waited,
    durations,
    share_within,
    targets_of,
)

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)
H = timedelta(hours=1)


def test_young_reports_count_for_nothing_and_late_ones_against() -> None:
    waited = [
        Waited(T0, T0 + 2 * H, T0 + 30 * H),  # on time for both
        Waited(T0, T0 + 50 * H, None),  # acknowledged late, not resolved yet
        Waited(T0 + 70 * H, None, None),  # two hours old at ``now``: not due yet
        Waited(T0, None, None),  # never answered, past every target
    ]
    now = T0 + 72 * H
    assert share_within(waited, 48 * H, now, resolve=False) == 1 / 3
    assert share_within(waited, timedelta(days=14), now, resolve=True) == 1.0
    assert share_within(waited, 24 * H, now, resolve=True) == 0.0
    assert share_within([Waited(now, None, None)], 48 * H, now, resolve=False) is None
    assert durations(waited, resolve=False) == [2 * H, 50 * H]


def test_a_service_without_targets_gets_the_towns_default() -> None:
    own = ResponseTargets(4 * H, timedelta(days=2))
    assert targets_of("water", {"water": own}) == own and not own.town_default
    assert targets_of("roads", {"water": own}) is TOWN_DEFAULT and TOWN_DEFAULT.town_default
