from __future__ import annotations

from web.charts import Bar, bars


def test_bars_escape_their_words_and_scale_to_the_top() -> None:
    svg = bars("<script>x</script>", [Bar("a&b", 0.5, "50 %"), Bar("none", None, "—")], top=1.0)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert 'width="165.0"' in svg  # half of the 330 pixels of room
    assert 'width="0.0"' in svg  # no figure: an empty bar
