"""Residents: the upsert on every message, and their draft read in the same round trip."""

from __future__ import annotations

from core.conversation import drafts
from core.conversation.drafts import DraftData
from core.deps import Deps
from core.enums import DraftStep
from core.residents import directory as residents


async def test_touch_with_draft_reads_the_draft_of_this_chat(svc: Deps) -> None:
    now = svc.clock()
    async with svc.sessions() as s:
        first, none = await residents.touch_with_draft(s, 41, 41, "Ana", "fr", now)
        assert none is None and first.first_name == "Ana" and first.language == "fr"
        data = DraftData(text="fuite d'eau", top=["water", "roads"], lat=45.7, urgent=False)
        saved = await drafts.save(s, 41, 41, DraftStep.SERVICE, data, now)
        await drafts.save(s, 42, 41, DraftStep.PLACE, DraftData(text="elsewhere"), now)
        again, draft = await residents.touch_with_draft(s, 41, 41, "Ana B.", "en", now)
        await s.commit()
    assert again.id == first.id and again.first_name == "Ana B."
    assert again.language == "en"  # not chosen with /language: Telegram's follows
    assert draft is not None and (draft.id, draft.step, draft.data) == (
        saved.id,
        DraftStep.SERVICE,
        data,
    )
    async with svc.sessions() as s:
        plain = await residents.touch(s, 41, 41, "Ana B.", "en", now)
    assert plain == again
