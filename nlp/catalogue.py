"""Restricting the classifier's labels to a town's configured catalogue of services.

The model always scores the eleven default codes. A town that configures only some of them gets
only those: the probability of every service it does not have goes to ``other`` (its general
desk), so a clear noise complaint in a town without a noise service lands on the general desk
with a high confidence instead of on the nearest configured service. Codes the model does not
know (a town's own service) receive no probability: they need training data first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .types import DEFAULT_SERVICES

OTHER = "other"


def check_services(services: Sequence[str]) -> tuple[str, ...]:
    """The configured codes in a stable order, ``other`` always last and always present."""
    seen: list[str] = []
    for code in services:
        if code not in seen and code != OTHER:
            seen.append(code)
    return (*seen, OTHER)


def restrict(probs: Mapping[str, float], services: Sequence[str]) -> dict[str, float]:
    """``probs`` over the configured ``services`` (from :func:`check_services`), summing to 1."""
    allowed = set(services)
    out = dict.fromkeys(services, 0.0)
    for code, p in probs.items():
        out[code if code in allowed else OTHER] += max(0.0, p)
    total = sum(out.values())
    if total <= 0:
        return {code: (1.0 if code == OTHER else 0.0) for code in services}
    return {code: p / total for code, p in out.items()}


def ranked(probs: Mapping[str, float]) -> list[tuple[str, float]]:
    """Services best first; ties broken by the default catalogue's order, so output is stable."""
    order = {code: i for i, code in enumerate(DEFAULT_SERVICES)}
    return sorted(probs.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0]))
