"""Enumerations stored in the database. ``core`` re-exports them for the rest of the code."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ReportStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED_NOT_FIXED = "closed_not_fixed"
    NOT_OURS = "not_ours"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    #: Resolved, then a resident said it is not fixed (the "is it fixed?" questionnaire).
    REOPENED = "reopened"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def open311(self) -> str:
        """Open311 GeoReport v2 only knows ``open`` and ``closed``."""
        return "open" if self.is_open else "closed"


OPEN_STATUSES = frozenset(
    {
        ReportStatus.NEW,
        ReportStatus.ACKNOWLEDGED,
        ReportStatus.IN_PROGRESS,
        ReportStatus.NOT_OURS,
        ReportStatus.REOPENED,
    }
)


class ReportIntent(StrEnum):
    """``Report.intent``: what the classifier took the resident's words for (the values of
    ``nlp.types.Intent``, which storage does not import)."""

    REPORT = "report"
    IDEA = "idea"
    QUESTION = "question"
    OTHER = "other"


class ActorKind(StrEnum):
    RESIDENT = "resident"
    AGENT = "agent"
    SYSTEM = "system"
    #: An Open311 client (``api_clients``): a report posted by the town's CRM or an app.
    API_CLIENT = "api_client"
    #: A status pulled back from a service's external Open311 endpoint (its CRM).
    EXTERNAL = "external"


class EventKind(StrEnum):
    """``ReportEvent.kind``: what a line of a report's history is. Notes (agents only) and
    replies (read by the resident) are kept apart, so that neither is shown as the other."""

    STATUS = "status"  # a status change (with old and new status)
    SERVICE = "service"  # passed to another service
    NOTE = "note"  # an internal note: agents only, never sent to a resident
    REPLY = "reply"  # an agent's words sent to the resident (confirmed)
    REPLY_DRAFT = "reply_draft"  # a reply shown for confirmation, not sent yet
    MESSAGE = "message"  # the resident's words, relayed to the card's thread
    ASSIGN = "assign"  # taken, handed over or released (``actor_name`` → ``note``)
    REOPEN = "reopen"  # a closed report reopened by an agent, with the reason told
    PHOTO = "photo"  # an "after" photo attached
    DEADLINE = "deadline"  # a response time neared or passed (reminder, escalation)


class PhotoKind(StrEnum):
    REPORT = "report"  # sent by the resident with the report
    AFTER = "after"  # sent by an agent: the place once fixed


class OutboxState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"  # reserved by a worker, not on the wire yet: pending again after a crash
    SENDING = "sending"  # claimed; the HTTP call may be under way
    SENT = "sent"
    FAILED = "failed"  # gave up after the maximum attempts, or a permanent error
    BLOCKED = "blocked"  # the recipient blocked the bot (403)
    UNKNOWN = "unknown"  # the process died during the call: not resent, to never send twice


class OutboxKind(StrEnum):
    MESSAGE = "message"  # sendMessage, or sendPhoto when the payload has a photo
    EDIT_CARD = "edit_card"  # edit the card of a report in an agents chat


class OutboxPurpose(StrEnum):
    CARD = "card"  # a ticket card in an agents chat
    STATUS = "status"  # a status change told to a resident
    AGENT_MESSAGE = "agent_message"  # an agent's words relayed to a resident
    RESIDENT_MESSAGE = "resident_message"  # a resident's words relayed to the card's thread
    NOTICE = "notice"  # any other notice to agents
    QUESTIONNAIRE = "questionnaire"  # "is it fixed?" and its follow-ups
    SURVEY = "survey"  # a micro-survey question
    BROADCAST = "broadcast"  # an information campaign to a topic's subscribers
    CONSENT = "consent"  # asking a resident for a consent
    IDEA = "idea"  # news of an idea: review, answer, milestone, on the agenda


class OutboxLane(IntEnum):
    """The outbox's priority classes: due rows are claimed lane by lane, then by id, so that a
    campaign of thousands never holds back a ticket. Stored on the row when it is written
    (``storage.outbox.lane_of``)."""

    URGENT = 1  # an urgent report's card: someone may be in danger
    CONVERSATION = 2  # everything about a ticket or an idea, and a resident's own questions
    PUSH = 3  # surveys and broadcasts: what rate is left


class QuestionnaireKind(StrEnum):
    FIXED = "fixed"  # after a resolution: is it fixed?
    STILL_OPEN = "still_open"  # weeks after the report, still open: still a problem?


class QuestionnaireState(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    CANCELLED = "cancelled"  # the report was reopened or closed before it was due


class QuestionnaireAnswer(StrEnum):
    """``Questionnaire.answer``. For ``still_open`` the question is "still a problem?": yes, it
    still is; no, not any more."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class DraftKind(StrEnum):
    REPORT = "report"  # every draft: an idea is written in the steps of a report's draft


class DraftStep(StrEnum):
    """Where a resident's draft stands: what the bot waits for."""

    DESCRIBE = "describe"  # waiting for the text (a place or photo came first)
    FAQ = "faq"  # a question answered from the FAQ: did it help?
    SERVICE = "service"  # the suggestion is shown, waiting for a confirmation or a pick
    PLACE = "place"
    DUPLICATE = "duplicate"  # "is it this one?": similar open reports nearby
    PHOTO = "photo"
    CONFIRM = "confirm"
    IDEA_TEXT = "idea_text"  # /idea alone: waiting for the idea's text
    IDEA = "idea"  # an idea, with similar published ones offered: propose it or support one?


class CorrectionSource(StrEnum):
    """``LabelledExample.source``: who corrected the classifier."""

    RESIDENT = "resident"  # picked another service than the one suggested
    AGENT = "agent"  # moved the report to another service ("not ours, it is X")


class SurveyType(StrEnum):
    RATING = "rating"  # 1 to 5 stars
    YES_NO = "yes_no"
    CHOICE = "choice"  # one of 2 to 8 choices


class CampaignKind(StrEnum):
    SURVEY = "survey"
    BROADCAST = "broadcast"


class CampaignState(StrEnum):
    EXPANDING = "expanding"  # outbox rows are being written, in batches
    SENDING = "sending"  # every row is written; the outbox delivers them


class IdeaState(StrEnum):
    PENDING_REVIEW = "pending_review"  # submitted, waiting for the town's review
    PUBLISHED = "published"  # visible to all, open to support
    DECLINED = "declined"  # refused at review, with a reason told to the author


class IdeaAnswerKind(StrEnum):
    """The town's official answer to a published idea."""

    UNDER_STUDY = "under_study"
    PLANNED = "planned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"


class ForwardChannel(StrEnum):
    """Where a service's new reports are also sent (``forwards``)."""

    EMAIL = "email"
    OPEN311 = "open311"


class ForwardState(StrEnum):
    PENDING = "pending"  # waiting (first try, or again after a failure: see ``not_before``)
    SENDING = "sending"  # claimed by a worker; pending again if the process died
    SENT = "sent"
    FAILED = "failed"  # gave up by age (``forwarding.give_up_after_hours``), or refused for good
