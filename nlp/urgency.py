"""Urgency rules (filled in below)."""

from __future__ import annotations


def assess(text: str, lang: str) -> tuple[str, ...]:
    """Reasons the message is urgent (empty when it is not)."""
    return ()
