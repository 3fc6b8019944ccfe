"""Every ``/start`` payload a stranger can put in a link: only a link the bot signed opens a
report, whatever the payload (the report links are the only payload ``/start`` reads)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.reports import metoo
from tests.hostile import HOSTILE

KEYS = (b"k" * 32, b"o" * 32)
#: What Telegram lets through a deep link (1-64 of A-Z a-z 0-9 _ -), and anything else a
#: client might send after /start by hand.
DEEP_LINK = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
NEAR = st.builds(
    lambda n, sig: f"r{n}_{sig}",
    st.one_of(st.integers(-5, 2**40).map(str), st.sampled_from(["", "²", "0x1", "1" * 30])),
    st.one_of(st.text(max_size=12), st.from_regex(r"[A-Za-z0-9_-]{10}", fullmatch=True)),
)


@settings(HOSTILE, max_examples=2_000)
@given(payload=st.one_of(DEEP_LINK, NEAR, st.text(max_size=300)))
def test_an_unsigned_payload_opens_nothing(payload: str) -> None:
    assert metoo.report_of_start(payload, KEYS) is None


@settings(HOSTILE, max_examples=300)
@given(report=st.integers(1, 2**31 - 1), tail=st.text(min_size=1, max_size=5))
def test_a_signed_link_opens_its_report_and_a_changed_one_does_not(report: int, tail: str) -> None:
    arg = metoo.link("b", report, KEYS[1]).split("start=")[1]
    assert metoo.report_of_start(arg, KEYS) == report
    assert metoo.report_of_start(arg + tail, KEYS) is None
    assert metoo.report_of_start(f"r{report + 1}_" + arg.split("_")[1], KEYS) is None
