from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.pofile import read_po

from core.i18n import LOCALES, Texts

ROOT = Path(__file__).parents[2]


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_french_and_english_have_the_same_keys_and_placeholders() -> None:
    fr, en = _catalog("fr"), _catalog("en")
    assert fr.keys() == en.keys()
    for key in fr:
        assert fr[key] and en[key], key
        assert _fields(fr[key]) == _fields(en[key]), key


def test_every_key_used_in_code_exists() -> None:
    keys = set(_catalog("fr"))
    used: set[str] = set()
    pattern = re.compile(
        r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']|get\([^()]*?["']([a-z_]+\.[a-z_]+)["']"""
    )
    for folder in ("core", "handlers", "bot", "web"):
        for path in [*(ROOT / folder).rglob("*.py"), *(ROOT / folder).rglob("*.html")]:
            for m in pattern.finditer(path.read_text(encoding="utf-8")):
                used.add(m.group(1) or m.group(2))
    used = {k for k in used if not k.endswith(".")}
    assert used, "the pattern found no key: it is broken"
    assert used - keys == set()


def test_language_is_picked_from_telegram_code_with_french_default() -> None:
    texts = Texts(("fr", "en"), "fr")
    assert texts.pick("en-GB") == "en"
    assert texts.pick("de") == "fr"
    assert texts.pick(None) == "fr"
    assert texts.get("en", "report.thanks", ref=7, service="Water").startswith(
        "Thank you! Your report <b>#7</b>"
    )
    assert "#7" in texts.get("fr", "report.thanks", ref=7, service="Eau")
