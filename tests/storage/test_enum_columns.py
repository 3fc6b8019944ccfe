"""The closed vocabularies are enum columns: members in the code, their values in the database,
anything else refused. The columns kept their width, so rows written before read as members."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Column, Enum, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from core.enums import (
    CorrectionSource,
    DraftKind,
    DraftStep,
    QuestionnaireAnswer,
    ReportIntent,
    SurveyType,
)
from nlp.types import Intent
from storage.db import create_engine, create_sessionmaker
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base, Draft, LabelledExample, Questionnaire, Report, Survey

COLUMNS: list[tuple[Any, type[StrEnum], int]] = [
    (Report.__table__.c.intent, ReportIntent, 16),
    (Questionnaire.__table__.c.answer, QuestionnaireAnswer, 16),
    (Draft.__table__.c.step, DraftStep, 32),
    (Draft.__table__.c.kind, DraftKind, 32),
    (LabelledExample.__table__.c.source, CorrectionSource, 16),
    (Survey.__table__.c.type, SurveyType, 16),
]


@pytest.mark.parametrize(("column", "enum", "length"), COLUMNS, ids=lambda c: str(c))
def test_the_column_is_its_enum_and_refuses_anything_else(
    column: Column[Any], enum: type[StrEnum], length: int
) -> None:
    t = column.type
    assert isinstance(t, Enum) and t.enum_class is enum
    # Non-native, the width the column had as a plain string: no migration, no CHECK.
    assert not t.native_enum and t.length == length and not t.create_constraint
    assert t.enums == [m.value for m in enum]
    for dialect in (sqlite.dialect(), postgresql.asyncpg.dialect()):  # type: ignore[attr-defined]
        write = t.bind_processor(dialect)
        read = t.result_processor(dialect, None)
        assert write is not None and read is not None
        member = next(iter(enum))
        assert write(member) == member.value and read(member.value) is member
        with pytest.raises(LookupError):
            write("not-a-" + member.value)
        with pytest.raises(LookupError):
            read("not-a-" + member.value)


def test_report_intents_are_the_classifiers() -> None:
    assert [i.value for i in ReportIntent] == [i.value for i in Intent]


async def _tables_as_of_now(conn: Any) -> dict[str, Any]:
    """The models' tables with only the columns the database has at its revision (a column a
    later migration adds, with its Python default, would make the insert fail)."""

    def names(sync: Any) -> dict[str, set[str]]:
        inspector = sa.inspect(sync)
        return {
            n: {c["name"] for c in inspector.get_columns(n)} for n in inspector.get_table_names()
        }

    present = await conn.run_sync(names)
    out: dict[str, Any] = {}
    for name, table in Base.metadata.tables.items():
        if name in present:
            copy = sa.Table(name, sa.MetaData())
            for c in table.columns:
                if c.name in present[name]:
                    copy.append_column(c._copy())
            out[name] = copy
    return out


async def test_rows_written_as_strings_before_read_as_members(db_url: str) -> None:
    """Rows as the code before enum columns wrote them (plain strings), at revision 0007, read
    as members once the database is at head; an unknown value is refused on write."""
    engine = create_engine(db_url)
    await upgrade(engine, "0007")
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    async with engine.begin() as conn:
        t = await _tables_as_of_now(conn)
        await conn.execute(
            t["services"].insert().values(code="roads", name_fr="Voirie", name_en="Roads")
        )
        await conn.execute(
            t["residents"]
            .insert()
            .values(id=1, first_name="Ana", language="fr", created_at=now, last_seen_at=now)
        )
        report = {"resident_id": 1, "service_code": "roads", "status": "new", "text": "x"}
        report |= {"redacted_text": "x", "lang": "fr", "suggested_service": "roads"}
        report |= {"created_at": now, "updated_at": now}
        report |= {"id": 1, "intent": "idea", "confidence": 0.0, "urgent": False}
        # the columns of 0007 only: later ones (with their defaults) are not there yet
        old = sa.table(
            "reports",
            *(sa.column(c.name, c.type) for c in t["reports"].columns if c.name in report),
        )
        await conn.execute(old.insert().values(**report))
        await conn.execute(
            t["questionnaires"]
            .insert()
            .values(
                report_id=1,
                resident_id=1,
                service_code="roads",
                kind="fixed",
                state="answered",
                due_at=now,
                created_at=now,
                answer="no",
            )
        )
        await conn.execute(
            t["labelled_examples"]
            .insert()
            .values(
                resident_id=1,
                text="x",
                lang="fr",
                service="roads",
                suggested="water",
                source="agent",
                created_at=now,
            )
        )
        await conn.execute(
            t["surveys"]
            .insert()
            .values(code="s", question={}, type="yes_no", choices={}, audience={}, created_at=now)
        )
        await conn.execute(
            t["drafts"]
            .insert()
            .values(
                chat_id=1,
                user_id=1,
                kind="report",
                step="place",
                data={"text": "x"},
                created_at=now,
                updated_at=now,
            )
        )
    await upgrade(engine)
    # the types did not change: no migration for them (later migrations add columns and tables)
    assert await current_revision(engine) == head_revision()
    sessions = create_sessionmaker(engine)
    async with sessions() as s:
        assert (await s.scalar(select(Report.intent))) is ReportIntent.IDEA
        assert (await s.scalar(select(Questionnaire.answer))) is QuestionnaireAnswer.NO
        assert (await s.scalar(select(LabelledExample.source))) is CorrectionSource.AGENT
        assert (await s.scalar(select(Survey.type))) is SurveyType.YES_NO
        draft = (await s.scalars(select(Draft))).one()
        assert (draft.kind, draft.step) == (DraftKind.REPORT, DraftStep.PLACE)
        assert draft.kind is DraftKind.REPORT and draft.step is DraftStep.PLACE
        survey = (await s.scalars(select(Survey))).one()
        survey.type = "essay"  # type: ignore[assignment]
        with pytest.raises(StatementError):
            await s.flush()
    await engine.dispose()
