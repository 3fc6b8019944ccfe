"""The domain's enumerations, for every layer above storage."""

from storage.enums import (
    OPEN_STATUSES,
    ActorKind,
    CorrectionSource,
    DraftKind,
    DraftStep,
    EventKind,
    ForwardChannel,
    ForwardState,
    OutboxLane,
    OutboxPurpose,
    OutboxState,
    PhotoKind,
    QuestionnaireAnswer,
    ReportIntent,
    ReportStatus,
    SurveyType,
)

__all__ = [
    "OPEN_STATUSES",
    "ActorKind",
    "CorrectionSource",
    "DraftKind",
    "DraftStep",
    "EventKind",
    "ForwardChannel",
    "ForwardState",
    "OutboxLane",
    "OutboxPurpose",
    "OutboxState",
    "PhotoKind",
    "QuestionnaireAnswer",
    "ReportIntent",
    "ReportStatus",
    "SurveyType",
]
