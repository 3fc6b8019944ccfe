"""Corrections teach the classifier: a resident's pick, an agent's "not ours, it is X".

Each correction is kept with its author; it is used for training only while the author has
said yes, once asked in plain words. Nothing is used before that answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.callbacks import ConsentChoice
from core.i18n import Texts
from core.messages import Buttons
from storage.enums import CorrectionSource
from storage.models import LabelledExample, Report, Resident


def consent_question(texts: Texts, lang: str) -> tuple[str, Buttons]:
    """Asked once, the first time one of the resident's messages corrects the classifier."""
    t = texts.lang(lang)
    return t("consent.training_question"), [
        [
            (t("button.consent_yes"), ConsentChoice("train", True).encode()),
            (t("button.consent_no"), ConsentChoice("train", False).encode()),
        ]
    ]


@dataclass(frozen=True)
class Recorded:
    ask_consent: bool  # the author was never asked: ask now


async def record(
    s: AsyncSession,
    report_id: int,
    service: str,
    source: CorrectionSource,
    now: datetime,
) -> Recorded:
    """Keep the report's text labelled with ``service`` (the corrected one)."""
    report = await s.get_one(Report, report_id)
    resident = await s.get_one(Resident, report.resident_id)
    if resident.consent_training is False:
        return Recorded(ask_consent=False)  # said no: nothing is kept
    s.add(
        LabelledExample(
            resident_id=resident.id,
            report_id=report_id,
            text=report.redacted_text,
            lang=report.lang,
            service=service,
            suggested=report.suggested_service,
            source=source,
            created_at=now,
        )
    )
    ask = not resident.consent_training_asked
    resident.consent_training_asked = True
    return Recorded(ask_consent=ask)


async def consent_of(s: AsyncSession, resident_id: int) -> bool:
    return bool(await s.scalar(select(Resident.consent_training).where(Resident.id == resident_id)))


async def set_consent(s: AsyncSession, resident_id: int, yes: bool) -> None:
    resident = await s.get_one(Resident, resident_id)
    resident.consent_training, resident.consent_training_asked = yes, True
    if not yes:  # a no also forgets what was kept
        await s.execute(delete(LabelledExample).where(LabelledExample.resident_id == resident_id))


async def export(s: AsyncSession) -> list[dict[str, str]]:
    """Training lines ``{text, service, lang}`` from residents who said yes."""
    rows = (
        await s.execute(
            select(LabelledExample.text, LabelledExample.service, LabelledExample.lang)
            .join(Resident, Resident.id == LabelledExample.resident_id)
            .where(Resident.consent_training.is_(True))
            .order_by(LabelledExample.id)
        )
    ).all()
    return [{"text": t, "service": svc, "lang": lang} for t, svc, lang in rows]
