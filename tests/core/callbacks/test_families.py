from __future__ import annotations

import pytest

from core.callbacks import (
    MAX_BYTES,
    AgentAction,
    AgentVerb,
    CallbackError,
    DraftAction,
    DraftVerb,
    IdeaAction,
    IdeaOrder,
    IdeaVerb,
    LanguageChoice,
    QuestionnaireAction,
    QuestionnaireVerb,
)
from nlp.types import DEFAULT_SERVICES

BIG = 2**31 - 1  # the largest id the columns hold (int4 on PostgreSQL)


@pytest.mark.parametrize("verb", list(AgentVerb))
def test_agent_actions_round_trip_within_64_bytes(verb: AgentVerb) -> None:
    arg = {
        AgentVerb.MOVE: "green_spaces",
        AgentVerb.DUPLICATE_OF: str(BIG),
        AgentVerb.TEMPLATE: str(BIG),
        AgentVerb.SEND: str(BIG),
        AgentVerb.DROP: str(BIG),
        AgentVerb.HAND_TO: str(2**52 - 1),  # the largest Telegram user id
    }.get(verb, "")
    action = AgentAction(verb, BIG, arg)
    data = action.encode()
    assert len(data.encode()) <= MAX_BYTES
    assert AgentAction.decode(data) == action


@pytest.mark.parametrize("verb", list(DraftVerb))
@pytest.mark.parametrize("service", DEFAULT_SERVICES)
def test_draft_actions_round_trip_within_64_bytes(verb: DraftVerb, service: str) -> None:
    action = DraftAction(verb, BIG, service)
    assert len(action.encode().encode()) <= MAX_BYTES
    assert DraftAction.decode(action.encode()) == action


@pytest.mark.parametrize(
    "data",
    [
        "",
        "a",
        "a:res",
        "a:res:x",
        "a:nope:1",
        "a:mv:1",
        "a:dupof:1:x",
        "d:ok",
        "d:zz:1",
        "b:res:1",
        "a:res:1:2:3",
        "a:res:-1",
        "l:",
        "l:fr:en",
        "a:res:" + "9" * 40,
    ],
)
def test_forged_data_is_rejected(data: str) -> None:
    for codec in (AgentAction, DraftAction, LanguageChoice):
        with pytest.raises(CallbackError):
            codec.decode(data)


def test_oversized_data_cannot_be_encoded() -> None:
    with pytest.raises(CallbackError):
        AgentAction(AgentVerb.MOVE, 1, "x" * 60).encode()


@pytest.mark.parametrize(
    "action",
    [
        QuestionnaireAction(QuestionnaireVerb.ANSWER, BIG, "unknown"),
        QuestionnaireAction(QuestionnaireVerb.RATE, BIG, "5"),
        QuestionnaireAction(QuestionnaireVerb.SKIP_COMMENT, BIG),
    ],
)
def test_questionnaire_actions_round_trip_within_64_bytes(action: QuestionnaireAction) -> None:
    data = action.encode()
    assert data.startswith("q:") and len(data.encode()) <= MAX_BYTES
    assert QuestionnaireAction.decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        "q",
        "q:ans",
        "q:ans:1",
        "q:ans:1:maybe",
        "q:rate:1:6",
        "q:rate:1:0",
        "q:rate:1",
        "q:skip:1:x",
        "q:zz:1:yes",
        "q:ans:-1:yes",
        "q:ans:x:yes",
        "a:ans:1:yes",
        "q:ans:1:yes:2",
    ],
)
def test_forged_questionnaire_data_is_rejected(data: str) -> None:
    with pytest.raises(CallbackError):
        QuestionnaireAction.decode(data)


@pytest.mark.parametrize(
    "action",
    [
        IdeaAction(IdeaVerb.APPROVE, BIG),
        IdeaAction(IdeaVerb.DECLINE, BIG),
        IdeaAction(IdeaVerb.SUPPORT, BIG, BIG, service="green_spaces"),
        IdeaAction(IdeaVerb.PAGE, page=BIG, order=IdeaOrder.NEWEST, service="green_spaces"),
        IdeaAction(IdeaVerb.FILTER, order=IdeaOrder.NEWEST),
        IdeaAction(IdeaVerb.EDIT, BIG),
        IdeaAction(IdeaVerb.MILESTONE, BIG),
        IdeaAction(IdeaVerb.ANSWER, BIG, arg="under_study"),
        IdeaAction(IdeaVerb.MILESTONE_DONE, BIG, arg=str(BIG)),
    ],
)
def test_idea_actions_round_trip_within_64_bytes(action: IdeaAction) -> None:
    data = action.encode()
    assert len(data.encode()) <= MAX_BYTES
    assert IdeaAction.decode(data) == action


def test_idea_buttons_of_the_older_shape_still_decode() -> None:
    assert IdeaAction.decode("i:pg:2") == IdeaAction(IdeaVerb.PAGE, page=2)
    assert IdeaAction.decode("i:sup:7:1") == IdeaAction(IdeaVerb.SUPPORT, 7, 1)


@pytest.mark.parametrize(
    "data",
    [
        "i",
        "i:ok",
        "i:zap:1",
        "i:ok:x",
        "i:ok:1:2",
        "i:sup:1",
        "i:pg:1:2",
        "a:ok:1",
        "i:ok:-1",
        "i:pg:1:z:water",  # no such order
        "i:pg:1:s:wa-ter",  # not a service code
        "i:ans:1:",  # an answer without its kind
        "i:msd:1",  # a milestone without its id
        "i:flt:s:water",
    ],
)
def test_forged_idea_data_is_rejected(data: str) -> None:
    with pytest.raises(CallbackError):
        IdeaAction.decode(data)


@pytest.mark.parametrize(
    "data",
    [
        "a:to:1",  # no colleague
        "a:to:1:0",
        "a:to:1:-5",
        "a:to:1:" + str(2**52),  # beyond Telegram's ids
        "a:to:1:１２",  # not ASCII digits
        "a:send:1",
        "a:send:1:" + str(2**31),  # beyond the id columns
        "a:tpl:1:x",
        "a:drop:1:²",
    ],
)
def test_forged_workspace_buttons_are_refused_before_any_query(data: str) -> None:
    with pytest.raises(CallbackError):
        AgentAction.decode(data)
