"""Hostile input, tested by property (Hypothesis): every button decoder, every ``/start``
payload, webhook bodies and Open311 parameters. Runs are deterministic (``derandomize``) and
bounded: about 11,000 generated cases in all, in well under a minute."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

#: Deterministic (the same cases every run, no example database), no per-case deadline (a
#: shared machine), fixtures shared by every case of a test on purpose.
HOSTILE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
