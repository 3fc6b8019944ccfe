"""The domain's enumerations, for every layer above storage."""

from storage.enums import OPEN_STATUSES, ActorKind, OutboxPurpose, OutboxState, ReportStatus

__all__ = ["OPEN_STATUSES", "ActorKind", "OutboxPurpose", "OutboxState", "ReportStatus"]
