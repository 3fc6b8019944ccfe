"""SQLAlchemy 2 models: one noun per table, named constraints for Alembic."""

from storage.models.agent_login import AgentLogin, AgentSession
from storage.models.audit import AuditLine
from storage.models.base import NAMING, Base
from storage.models.correction import LabelledExample
from storage.models.draft import Draft
from storage.models.idea import Idea, IdeaAnswer, IdeaMilestone, IdeaSupport
from storage.models.inbox import InboxUpdate
from storage.models.integration import ApiClient, ApiRequest, Forward
from storage.models.outbox import OutboxMessage
from storage.models.questionnaire import Questionnaire
from storage.models.report import CoReporter, Photo, Report, ReportEvent
from storage.models.resident import Resident, Subscription
from storage.models.secret import Secret
from storage.models.service import Agent, Service
from storage.models.survey import Campaign, Survey, SurveyAnswer
from storage.models.template import AnswerTemplate

__all__ = [
    "NAMING",
    "Agent",
    "AgentLogin",
    "AgentSession",
    "AnswerTemplate",
    "ApiClient",
    "ApiRequest",
    "AuditLine",
    "Base",
    "Campaign",
    "CoReporter",
    "Draft",
    "Forward",
    "Idea",
    "IdeaAnswer",
    "IdeaMilestone",
    "IdeaSupport",
    "InboxUpdate",
    "LabelledExample",
    "OutboxMessage",
    "Photo",
    "Questionnaire",
    "Report",
    "ReportEvent",
    "Resident",
    "Secret",
    "Service",
    "Subscription",
    "Survey",
    "SurveyAnswer",
]
