"""The domain's enumerations, for every layer above storage."""

from storage.enums import (
    OPEN_STATUSES,
    ActorKind,
    CorrectionSource,
    DraftKind,
    DraftStep,
    ForwardChannel,
    ForwardState,
    OutboxLane,
    OutboxPurpose,
    OutboxState,
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
    "ForwardChannel",
    "ForwardState",
    "OutboxLane",
    "OutboxPurpose",
    "OutboxState",
    "QuestionnaireAnswer",
    "ReportIntent",
    "ReportStatus",
    "SurveyType",
]
