"""Every button decoder facing forged data: a typed value or ``CallbackError``, never another
exception; what decodes encodes back to itself within Telegram's 64 bytes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core.callbacks as callbacks
from core.callbacks import MAX_BYTES, CallbackError
from tests.hostile import HOSTILE

#: Every button family: each class of ``core.callbacks`` with a decoder.
FAMILIES: list[Any] = [
    getattr(callbacks, n)
    for n in callbacks.__all__
    if hasattr(getattr(callbacks, n), "decode") and hasattr(getattr(callbacks, n), "PREFIX")
]
PREFIXES = sorted({f.PREFIX for f in FAMILIES})
WORDS = sorted(
    {
        m.value
        for n in callbacks.__all__
        if isinstance(getattr(callbacks, n), type) and issubclass(getattr(callbacks, n), StrEnum)
        for m in getattr(callbacks, n)
    }
    | set(callbacks.RATINGS)
    | {"water", "other", "y", "n", "fr", "en", "1", "0"}
)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["²", "١", "٣", "0x1", "1e3", "+1", " 1", "1 ", "", "00000000001", "9" * 40]),
)
PART = st.one_of(st.sampled_from(WORDS), NUMBERS, st.text(max_size=12))
#: Near-valid data: a real prefix, then parts made of real verbs, hostile numbers and text.
NEAR = st.builds(
    lambda prefix, parts: ":".join([prefix, *parts]),
    st.sampled_from(PREFIXES),
    st.lists(PART, max_size=6),
)
DATA = st.one_of(
    NEAR, st.text(max_size=80), st.binary(max_size=64).map(lambda b: b.decode("latin-1"))
)


def test_every_family_is_covered() -> None:
    assert len(FAMILIES) >= 10 and "a" in PREFIXES and "m" in PREFIXES


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.__name__)
@settings(HOSTILE, max_examples=620)
@given(data=DATA)
def test_forged_data_decodes_to_a_value_or_is_refused(family: Any, data: str) -> None:
    try:
        value = family.decode(data)
    except CallbackError:
        return
    assert isinstance(value, family)
    if len(data.encode()) <= MAX_BYTES:
        again = value.encode()
        assert len(again.encode()) <= MAX_BYTES
        assert family.decode(again) == value
