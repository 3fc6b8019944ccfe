"""SQLAlchemy 2 models: one noun per table, named constraints for Alembic."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from storage.enums import (
    ActorKind,
    CampaignKind,
    CampaignState,
    IdeaAnswerKind,
    IdeaState,
    OutboxKind,
    OutboxPurpose,
    OutboxState,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type) -> Enum:
    # Store the values (``in_progress``), not the member names, and no native PG type so that
    # adding a member is a plain migration.
    return Enum(
        cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        length=32,
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}  # noqa: RUF012


class Resident(Base):
    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    #: May their corrected messages teach the classifier? None: not answered (off).
    consent_training: Mapped[bool | None] = mapped_column(Boolean)
    consent_training_asked: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: May the bot send them surveys? None: not answered yet (off). /surveys stops or resumes.
    consent_surveys: Mapped[bool | None] = mapped_column(Boolean)
    consent_surveys_asked: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: When they were last sent a survey (the cap counts from here).
    last_surveyed_at: Mapped[datetime | None]
    #: When Telegram said they blocked the bot (403): campaigns skip them until they write again.
    blocked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class Service(Base):
    __tablename__ = "services"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    agents_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Agent(Base):
    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("service_code", "telegram_user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_service_status", "service_code", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus))
    text: Mapped[str] = mapped_column(Text)
    redacted_text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(16), default="report")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    suggested_service: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id", lazy="raise"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="report", order_by="Photo.id", lazy="raise"
    )


class ReportEvent(Base):
    """The history of a report: status and service changes, and messages exchanged."""

    __tablename__ = "report_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    at: Mapped[datetime]
    actor_kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind))
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(128), default="")
    old_status: Mapped[ReportStatus | None] = mapped_column(_enum(ReportStatus))
    new_status: Mapped[ReportStatus | None] = mapped_column(_enum(ReportStatus))
    old_service: Mapped[str | None] = mapped_column(String(32))
    new_service: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    report: Mapped[Report] = relationship(back_populates="events", lazy="raise")


class CoReporter(Base):
    """A resident who reports a problem already reported: told of its progress too."""

    __tablename__ = "co_reporters"
    __table_args__ = (UniqueConstraint("report_id", "resident_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    created_at: Mapped[datetime]


class LabelledExample(Base):
    """A correction of the classifier: a resident's pick or an agent's "not ours, it is X".

    Used for training only while its author's ``consent_training`` is true.
    """

    __tablename__ = "labelled_examples"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    text: Mapped[str] = mapped_column(Text)  # with personal data masked
    lang: Mapped[str] = mapped_column(String(8))
    service: Mapped[str] = mapped_column(String(32))
    suggested: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # "resident" or "agent"
    created_at: Mapped[datetime]


class Photo(Base):
    __tablename__ = "photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    path: Mapped[str | None] = mapped_column(Text)
    report: Mapped[Report] = relationship(back_populates="photos", lazy="raise")


class Draft(Base):
    """A conversation in progress, kept in the database so a restart carries on."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class InboxUpdate(Base):
    """A Telegram update as received, stored before the webhook answers 200."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_pending", "processed_at", "chat_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A message that must reach someone because something changed.

    A campaign's messages carry its id: one row per (campaign, chat), which the unique
    constraint enforces, so expanding a campaign again after a crash adds no duplicate.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "not_before"),
        Index("ix_outbox_sent_message", "chat_id", "telegram_message_id"),
        UniqueConstraint("campaign_id", "chat_id", name="uq_outbox_campaign_chat"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[OutboxKind] = mapped_column(_enum(OutboxKind))
    purpose: Mapped[OutboxPurpose] = mapped_column(_enum(OutboxPurpose))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    #: The idea an agents chat's card or notice is about: a reply to it acts on the idea.
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"), index=True)
    state: Mapped[OutboxState] = mapped_column(_enum(OutboxState), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]  # when a worker reserved it (CLAIMED, SENDING)
    claimed_by: Mapped[int | None] = mapped_column(Integer)  # which worker (PostgreSQL)
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)


class Questionnaire(Base):
    """ "Is it fixed?" after a resolution, or "still a problem?" after weeks open: one per
    (report, resident, round); answered at most once."""

    __tablename__ = "questionnaires"
    __table_args__ = (Index("ix_questionnaires_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(32))  # when asked (the report may move)
    kind: Mapped[QuestionnaireKind] = mapped_column(_enum(QuestionnaireKind))
    state: Mapped[QuestionnaireState] = mapped_column(_enum(QuestionnaireState))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    #: "yes", "no" or "unknown" (for ``still_open``: is it still a problem?).
    answer: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)  # 1 to 5
    comment: Mapped[str | None] = mapped_column(Text)


class Survey(Base):
    """A micro-survey: a question, its type and choices, who is asked, and when."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[dict[str, Any]]  # {"fr": ..., "en": ...}
    type: Mapped[str] = mapped_column(String(16))  # rating, yes_no, choice
    choices: Mapped[dict[str, Any]]  # {"items": [{"fr": ..., "en": ...}, ...]}
    audience: Mapped[dict[str, Any]]  # a typed filter, see core.audience
    schedule: Mapped[str | None] = mapped_column(String(64))  # cron, in the town's timezone
    send_at: Mapped[datetime | None]  # a one-off send
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    expires_after_hours: Mapped[int] = mapped_column(Integer, default=72)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    from_config: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Campaign(Base):
    """One push to many residents: a survey round or a broadcast. Expanded into outbox rows
    in batches (``expanded_upto`` is the last resident id done), so a restart resumes."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CampaignKind] = mapped_column(_enum(CampaignKind))
    state: Mapped[CampaignState] = mapped_column(_enum(CampaignState))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[dict[str, Any]]  # {"fr": ..., "en": ...} for a broadcast
    audience: Mapped[dict[str, Any]]
    expanded_upto: Mapped[int] = mapped_column(Integer, default=0)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class SurveyAnswer(Base):
    """A resident's answer to one round of a survey (one per round and resident)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("campaign_id", "resident_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    value: Mapped[str] = mapped_column(String(32))
    answered_at: Mapped[datetime]


class Subscription(Base):
    """A resident's subscription to a broadcast topic (``/subscribe``)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("resident_id", "topic"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]


class Idea(Base):
    """A suggestion by a resident: reviewed, published, supported, answered by the town."""

    __tablename__ = "ideas"
    __table_args__ = (Index("ix_ideas_service_state", "service_code", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    text: Mapped[str] = mapped_column(Text)  # as written, seen by reviewers only
    redacted_text: Mapped[str] = mapped_column(Text)  # what is published
    lang: Mapped[str] = mapped_column(String(8))
    state: Mapped[IdeaState] = mapped_column(_enum(IdeaState))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: How many residents support it (a cache of ``idea_supports``, kept by core.ideas).
    supports: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    #: When its supports first reached the service's threshold (its agents were told).
    on_agenda_at: Mapped[datetime | None]
    #: When its agents were last reminded that it waits for an official answer.
    reminded_at: Mapped[datetime | None]
    #: What an agent's next reply to its card does (``core.idea_replies.Pending``), and who
    #: pressed the button that asked for it.
    pending: Mapped[str | None] = mapped_column(String(32))
    pending_by: Mapped[int | None] = mapped_column(BigInteger)


class IdeaSupport(Base):
    """A resident's support of an idea: at most one per (idea, resident)."""

    __tablename__ = "idea_supports"
    __table_args__ = (UniqueConstraint("idea_id", "resident_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    created_at: Mapped[datetime]


class IdeaAnswer(Base):
    """An official answer of the town to an idea (the latest one is its current answer)."""

    __tablename__ = "idea_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    kind: Mapped[IdeaAnswerKind] = mapped_column(_enum(IdeaAnswerKind))
    text: Mapped[str] = mapped_column(Text)
    agent_name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime]


class IdeaMilestone(Base):
    """A step the town commits to for an idea, with a due date, marked done when reached."""

    __tablename__ = "idea_milestones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class AgentLogin(Base):
    """A one-time link to the agents' dashboard: only its token's hash is kept; valid a few
    minutes, once."""

    __tablename__ = "agent_logins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    agent_name: Mapped[str] = mapped_column(String(128), default="")
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AgentSession(Base):
    """An agent logged in to the dashboard (its cookie's hash); logging out deletes it."""

    __tablename__ = "agent_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    agent_name: Mapped[str] = mapped_column(String(128), default="")
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
