"""User-facing text: gettext catalogues per language, keys as msgids (``report.suggest``).

The build compiles ``locales/<lang>/LC_MESSAGES/messages.po`` to ``.mo``; when a ``.mo`` is
missing or older than its ``.po`` (a fresh checkout), the ``.po`` is read directly with Babel.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"

Translate = Callable[..., str]


def _load(lang: str, locales: Path) -> gettext.NullTranslations:
    base = locales / lang / "LC_MESSAGES"
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        raise FileNotFoundError(f"no catalogue for language {lang!r} in {locales}")
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Texts:
    """All catalogues, loaded once. ``texts.lang("fr")("report.thanks", ref=12)``."""

    def __init__(self, languages: Iterable[str], default: str, locales: Path = LOCALES) -> None:
        self.default = default
        self._catalogues = {lang: _load(lang, locales) for lang in languages}
        if default not in self._catalogues:
            raise ValueError(f"default language {default!r} has no catalogue")

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._catalogues)

    def pick(self, lang: str | None) -> str:
        """The supported language closest to ``lang`` (``en-GB`` -> ``en``), else the default."""
        if lang:
            short = lang.split("-")[0].split("_")[0].lower()
            if short in self._catalogues:
                return short
        return self.default

    def get(self, lang: str | None, key: str, **params: Any) -> str:
        cat = self._catalogues[self.pick(lang)]
        text = cat.gettext(key)
        if text == key and lang != self.default:
            text = self._catalogues[self.default].gettext(key)
        return text.format(**params) if params else text

    def lang(self, lang: str | None) -> Translate:
        picked = self.pick(lang)

        def t(key: str, **params: Any) -> str:
            return self.get(picked, key, **params)

        return t
