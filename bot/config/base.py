"""What every configuration section shares: strict models, texts in every language."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from nlp.types import LANGUAGES


def in_every_language(v: dict[str, str], what: str) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not v.get(lang)]
    if missing:
        raise ValueError(f"needs {what} in {', '.join(missing)}")
    return v


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
