"""Telegram's formats: limits, escaping, and the one splitter (line ends first, then spaces,
never inside a tag or an entity, tags closed and opened again across a cut)."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

from core.callbacks import MAX_BYTES
from core.telegram_format import (
    CALLBACK_DATA_BYTES,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    escape,
    plain_text,
    split,
    visible_length,
)

ROOT = Path(__file__).resolve().parents[2]


def test_telegrams_limits() -> None:
    assert (TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_BYTES) == (4096, 1024, 64)
    assert MAX_BYTES == CALLBACK_DATA_BYTES


def test_escaping_and_length_as_telegram_counts_it() -> None:
    assert escape("<b>Tom & 'Zoé'</b>") == "&lt;b&gt;Tom &amp; &#x27;Zoé&#x27;&lt;/b&gt;"
    assert escape('"x"', quote=False) == '"x"'
    shown = '<b>#1</b> · <a href="https://e.org/?a=1&amp;b=2">rue &lt;Haute&gt;</a>'
    assert plain_text(shown) == "#1 · rue <Haute>"
    assert visible_length(shown) == len("#1 · rue <Haute>")


def test_a_text_that_fits_is_one_message_as_it_is() -> None:
    assert split("") == [""]
    whole = "<b>x</b>" + "y" * (TEXT_LIMIT - 1)  # tags do not count
    assert split(whole) == [whole]
    assert split("a" * TEXT_LIMIT + "a") == ["a" * TEXT_LIMIT, "a"]


def test_long_texts_are_cut_at_line_ends() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    parts = split(text, 1000)
    assert all(len(p) <= 1000 for p in parts)
    assert "\n".join(parts) == text
    assert all(p.startswith("line ") and p.endswith("x") for p in parts)


def test_a_line_break_is_preferred_to_a_later_space() -> None:
    text = "a" * 60 + "\n" + "b " * 30
    assert split(text, 100) == ["a" * 60, "b " * 30]


def test_a_line_break_in_the_first_half_is_not_worth_a_short_message() -> None:
    text = "a" * 10 + "\n" + "word " * 40
    first, *rest = split(text, 100)
    assert visible_length(first) > 50 and first.endswith("word")
    assert " ".join([first, *rest]).replace("\n", " ").split() == text.split()


def test_a_separator_right_at_the_limit_is_the_cut() -> None:
    assert split("a" * 100 + " " + "b" * 10, 100) == ["a" * 100, "b" * 10]
    assert split("a" * 100 + "\n" + "b" * 10, 100) == ["a" * 100, "b" * 10]


def test_a_word_longer_than_a_message_is_cut_at_the_limit() -> None:
    assert split("x" * 250, 100) == ["x" * 100, "x" * 100, "x" * 50]
    assert split("see " + "x" * 250, 100) == ["see " + "x" * 96, "x" * 100, "x" * 54]


def test_an_entity_is_never_cut_and_counts_as_one_character() -> None:
    text = escape("&" * 150 + "<>" * 30)
    parts = split(text, 100)
    assert [visible_length(p) for p in parts] == [100, 100, 10]
    assert "".join(parts) == text
    for p in parts:  # each piece is whole entities only
        assert re.fullmatch(r"(?:&amp;|&lt;|&gt;)+", p)


def test_a_tag_is_never_cut_and_what_it_opens_is_closed_and_opened_again() -> None:
    link = '<a href="https://e.org/?q=1&amp;r=2">'
    text = "<b>Title</b>\n" + link + "word " * 60 + "</a> end"
    parts = split(text, 100)
    assert len(parts) == 4
    for p in parts:
        assert visible_length(p) <= 100
        assert p.count("<a ") == p.count("</a>") and p.count("<b>") == p.count("</b>")
    assert parts[1].startswith(link) and parts[1].endswith("</a>")
    assert parts[2].startswith(link) and parts[2].endswith("</a>")
    words = " ".join(plain_text(p) for p in parts).split()
    assert words == plain_text(text).split()


def test_a_hard_cut_does_not_leave_an_empty_tag_behind() -> None:
    parts = split("x" * 100 + "<b>" + "y" * 50 + "</b>", 100)
    assert parts == ["x" * 100, "<b>" + "y" * 50 + "</b>"]


def test_any_text_is_cut_within_the_limit_and_loses_only_its_cut_separators() -> None:
    rng = random.Random(13)
    pieces = ["mot", "x" * 130, "&amp;", "&lt;", "é", "🙂", " ", " ", "\n"]
    tags = [("<b>", "</b>"), ("<i>", "</i>"), ('<a href="https://e.org">', "</a>")]
    for _ in range(300):
        out = []
        for _ in range(rng.randrange(1, 120)):
            if rng.random() < 0.1:
                opening, closing = rng.choice(tags)
                out.append(opening + rng.choice(pieces[:5]) + " " + rng.choice(pieces) + closing)
            else:
                out.append(rng.choice(pieces))
        text = "".join(out)
        limit = rng.choice([40, 100, 333])
        parts = split(text, limit)
        assert all(visible_length(p) <= limit for p in parts)
        shown = "".join(plain_text(p) for p in parts)
        whole = plain_text(text)
        assert 0 <= len(whole) - len(shown) <= len(parts) - 1  # at most a separator a cut
        assert shown.replace(" ", "").replace("\n", "") == whole.replace(" ", "").replace("\n", "")
        for p in parts:
            for opening, closing in tags:
                assert p.count(opening[:2]) - p.count(closing) == 0


def test_only_telegram_format_knows_telegrams_formats() -> None:
    """No other module of the product escapes HTML by itself or spells a Telegram limit."""
    offenders = []
    for package in ("core", "handlers", "bot", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "telegram_format.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Import) and any(a.name == "html" for a in node.names):
                    offenders.append(f"{where} imports html")
                if isinstance(node, ast.ImportFrom) and node.module == "html":
                    offenders.append(f"{where} imports from html")
                if isinstance(node, ast.Constant) and node.value in (4096, 4095):
                    offenders.append(f"{where} spells Telegram's message limit")
                if (
                    isinstance(node, ast.Name)
                    and node.id in ("CAPTION_LIMIT", "TEXT_LIMIT")
                    and isinstance(node.ctx, ast.Store)
                ):
                    offenders.append(f"{where} defines {node.id}")
    assert offenders == []
