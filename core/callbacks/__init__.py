"""Callback data of inline buttons: one typed codec per family, each at most 64 bytes.

Telegram echoes callback data back untouched, so anyone can forge it: decoding validates the
shape and every press is authorised again by the use case it leads to. The wire codes never
change once released: buttons already in chats carry them.
"""

from core.callbacks.agent import AgentAction, AgentVerb
from core.callbacks.codec import MAX_BYTES, ROW_ID_MAX, CallbackError, is_id
from core.callbacks.engagement import (
    RATINGS,
    QuestionnaireAction,
    QuestionnaireVerb,
    SurveyAnswerChoice,
    TopicToggle,
)
from core.callbacks.ideas import AGENT_IDEA_VERBS, IdeaAction, IdeaOrder, IdeaVerb
from core.callbacks.resident import (
    ConsentChoice,
    DraftAction,
    DraftVerb,
    LanguageChoice,
    MeTooAction,
    PrivacyAction,
    PrivacyVerb,
)

__all__ = [
    "AGENT_IDEA_VERBS",
    "MAX_BYTES",
    "RATINGS",
    "ROW_ID_MAX",
    "AgentAction",
    "AgentVerb",
    "CallbackError",
    "ConsentChoice",
    "DraftAction",
    "DraftVerb",
    "IdeaAction",
    "IdeaOrder",
    "IdeaVerb",
    "LanguageChoice",
    "MeTooAction",
    "PrivacyAction",
    "PrivacyVerb",
    "QuestionnaireAction",
    "QuestionnaireVerb",
    "SurveyAnswerChoice",
    "TopicToggle",
    "is_id",
]
