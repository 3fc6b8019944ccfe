"""The resident's report conversation: each input moves the draft on and says what to answer.

Handlers parse the update and render the :class:`Reply`; the steps and their rules live here,
so the conversation is the same whatever adapter drives it, and is tested without Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import NotAllowed
from core.callbacks import ConsentChoice, DraftAction, DraftVerb, is_id
from core.conversation import drafts, faq
from core.conversation.ahead import CLASSIFY_CHARS
from core.conversation.drafts import DraftData, DraftState, DuplicateOffer, IdeaOffer
from core.conversation.prompts import Prompts, Reply
from core.deps import Deps
from core.engagement import surveys
from core.ideas import proposals as ideas
from core.reports import duplicates, metoo
from core.reports import submit as reports
from core.residents import feedback, limits, phone
from core.residents.directory import ResidentRef
from core.telegram_format import escape
from nlp.redact import redact_off_loop
from nlp.types import Classification, Intent
from storage.enums import CorrectionSource, DraftStep, ReportIntent

#: How alike a published idea must be (``nlp.similarity``, 0..1) to be offered instead.
IDEA_SIMILARITY = 0.3


@dataclass(frozen=True)
class Photo:
    file_id: str
    unique_id: str
    path: str | None


@dataclass
class Intake:
    """One resident's input, with everything the steps need."""

    s: AsyncSession
    svc: Deps
    resident: ResidentRef
    chat_id: int
    now: datetime
    bot_username: str = ""  # for the link neighbours open to say "me too"
    #: The resident's draft when the caller read it already (``residents.touch_with_draft``).
    draft: DraftState | None = None
    draft_read: bool = False
    _known: DraftState | None = field(default=None, init=False)
    _looked: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._known, self._looked = self.draft, self.draft_read

    @property
    def lang(self) -> str:
        return self.resident.language

    def t(self, key: str, **params: Any) -> str:
        return self.svc.texts.get(self.lang, key, **params)

    def say(self, key: str, *, remove_keyboard: bool = False, **params: Any) -> list[Reply]:
        return [Reply(self.t(key, **params), remove_keyboard=remove_keyboard)]

    async def _draft(self) -> DraftState | None:
        """The draft as this unit knows it: read once (or handed over), then kept up to date
        by ``_save`` and ``_discard``, so never read twice."""
        if not self._looked:
            self._known = await drafts.load(self.s, self.chat_id, self.resident.telegram_user_id)
            self._looked = True
        return self._known

    async def _discard(self) -> bool:
        self._known, self._looked = None, True
        return await drafts.discard(self.s, self.chat_id, self.resident.telegram_user_id)

    async def _save(self, step: DraftStep, data: DraftData) -> DraftState:
        self._known = await drafts.save(
            self.s,
            self.chat_id,
            self.resident.telegram_user_id,
            step,
            data,
            self.now,
            known=self._known,
            looked=self._looked,
        )
        self._looked = True
        return self._known

    # --- inputs -------------------------------------------------------------------------

    async def text(self, text: str) -> list[Reply]:
        text = text.strip()
        if not any(c.isalnum() for c in text):
            return self.say("report.need_words")
        draft = await self._draft()
        if draft is None:
            return await self._describe(DraftData(), text, new=True)
        if draft.step in (DraftStep.FAQ, DraftStep.IDEA):  # a new message, not a button: afresh
            await self._discard()
            return await self._describe(DraftData(), text, new=True)
        if draft.step is DraftStep.IDEA_TEXT:
            return await self._idea(await self._classified(DraftData(), text), explicit=True)
        data = draft.data.copy()
        if draft.step in (DraftStep.DESCRIBE, DraftStep.SERVICE):
            joined = f"{data.text}\n{text}" if draft.step is DraftStep.SERVICE else text
            if not limits.fits_description(self.svc, joined):  # the draft is kept as it was
                return self.say("limits.description_full", limit=self.svc.settings.max_text_chars)
            return await self._describe(data, joined, new=False)
        if draft.step is DraftStep.PLACE:
            data.address = text[:500]
            return await self._next(data)
        return await self._prompt(await self._save(draft.step, data))

    async def photo(self, photo: Photo, caption: str | None) -> list[Reply]:
        draft = await self._draft()
        data = draft.data.copy() if draft else DraftData()
        data.photo_file_id, data.photo_unique_id = photo.file_id, photo.unique_id
        data.photo_path = photo.path
        words = caption.strip() if caption and any(c.isalnum() for c in caption) else ""
        if words and (draft is None or not data.text):
            return await self._describe(data, words, new=draft is None)
        if words and not limits.fits_description(self.svc, f"{data.text}\n{words}"):
            return self.say("limits.description_full", limit=self.svc.settings.max_text_chars)
        if words:  # the description is there already: the caption adds to it, not replaces it
            lang = data.lang or self.lang
            data.text = f"{data.text}\n{words}"
            data.redacted = f"{data.redacted}\n{await redact_off_loop(words, lang)}".lstrip()
        if draft is None or draft.step is DraftStep.DESCRIBE:
            return await self._prompt(await self._save(DraftStep.DESCRIBE, data))
        if draft.step is DraftStep.PHOTO:
            return await self._next(data)
        return await self._prompt(await self._save(draft.step, data))

    async def location(self, lat: float, lon: float) -> list[Reply]:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return self.say("report.bad_location")
        draft = await self._draft()
        data = draft.data.copy() if draft else DraftData()
        data.lat, data.lon = lat, lon
        if draft is None or draft.step is DraftStep.DESCRIBE:
            return await self._prompt(await self._save(DraftStep.DESCRIBE, data))
        if draft.step is DraftStep.PLACE:
            if data.address_hint and not data.address:
                data.address = data.address_hint  # the words name the spot, the pin finds it
            return await self._next(data)
        return await self._prompt(await self._save(draft.step, data))

    async def press(self, action: DraftAction) -> list[Reply]:
        draft = await self._draft()
        if draft is None or draft.id != action.draft_id:
            return [Reply(self.t("report.stale_button"), alert=True)]
        data = draft.data.copy()
        match action.verb:
            case DraftVerb.CONFIRM_SERVICE if draft.step is DraftStep.SERVICE:
                if action.arg not in self.svc.catalogue:
                    return [Reply(self.t("report.stale_button"), alert=True)]
                data.service = action.arg
                data.corrected = action.arg != data.suggested
                return await self._next(data)
            case DraftVerb.MORE_SERVICES if draft.step is DraftStep.SERVICE:
                return Prompts(self.svc, self.lang).all_services(draft)
            case DraftVerb.FAQ_OK if draft.step is DraftStep.FAQ:
                await self._discard()
                return self.say("faq.glad")
            case DraftVerb.FAQ_NO if draft.step is DraftStep.FAQ:
                return await self._prompt(await self._save(DraftStep.SERVICE, data))
            case DraftVerb.SAME_PROBLEM if draft.step is DraftStep.DUPLICATE:
                return await self._same_problem(data, action.arg)
            case DraftVerb.NOT_SAME if draft.step is DraftStep.DUPLICATE:
                return await self._next(data)
            case DraftVerb.SKIP_PHOTO if draft.step is DraftStep.PHOTO:
                data.photo_skipped = True
                return await self._next(data)
            case DraftVerb.SUBMIT if draft.step is DraftStep.CONFIRM:
                return await self._submit(data)
            case DraftVerb.IDEA_SUBMIT if draft.step is DraftStep.IDEA:
                return await self._propose(data)
            case DraftVerb.IDEA_AS_REPORT if draft.step is DraftStep.IDEA:
                return await self._prompt(await self._save(DraftStep.SERVICE, data))
            case DraftVerb.IDEA_SUPPORT if draft.step is DraftStep.IDEA:
                return await self._support_instead(data, action.arg)
            case DraftVerb.CANCEL:
                await self._discard()
                return self.say("cancel.done", remove_keyboard=True)
            case _:
                return [Reply(self.t("report.stale_button"), alert=True)]

    async def cancel(self) -> list[Reply]:
        if await self._discard():
            return self.say("cancel.done", remove_keyboard=True)
        return self.say("cancel.nothing", remove_keyboard=True)

    # --- steps --------------------------------------------------------------------------

    async def idea(self, text: str) -> list[Reply]:
        """/idea: with a text, propose it (similar published ideas offered first); alone, ask
        for the text."""
        d = await self._draft()
        if (
            d is not None
            and d.step not in (DraftStep.IDEA_TEXT, DraftStep.IDEA)
            and not d.data.is_empty()
        ):
            # A report is being written: /idea does not throw it away behind the resident's
            # back. It stays; its current question is asked again.
            return [Reply(self.t("idea.report_in_progress")), *await self._prompt(d)]
        if not any(c.isalnum() for c in text):
            return await self._prompt(await self._save(DraftStep.IDEA_TEXT, DraftData()))
        return await self._idea(await self._classified(DraftData(), text.strip()), explicit=True)

    async def _describe(self, data: DraftData, text: str, new: bool) -> list[Reply]:
        c = await self._classify(text)
        if new and c.intent is Intent.OTHER and len(text.split()) <= 4 and data.is_empty():
            return self.say("report.small_talk")
        await self._fill(data, text, c)
        replies = []
        if c.urgent:
            numbers = self.svc.emergency_numbers(self.lang)
            replies.append(Reply(self.t("report.urgent", numbers=numbers)))
        elif c.intent is Intent.IDEA and new and not data.photo_file_id:
            return await self._idea(data, explicit=False)
        elif c.intent is Intent.QUESTION and new:
            match = await faq.best_match(self.svc.nlp, self.svc.faq, text, c.lang)
            if match is not None:
                data.faq = match[0]
                return await self._prompt(await self._save(DraftStep.FAQ, data))
        return replies + await self._prompt(await self._save(DraftStep.SERVICE, data))

    async def _classify(self, text: str) -> Classification:
        return await self.svc.ahead.classify(self.svc.nlp, text, self.lang)

    async def _classified(self, data: DraftData, text: str) -> DraftData:
        await self._fill(data, text, await self._classify(text))
        return data

    async def _fill(self, data: DraftData, text: str, c: Classification) -> None:
        """What the classification tells, kept in the draft."""
        service = c.service if c.service in self.svc.catalogue else "other"
        redacted = c.redacted or text
        if len(text) > CLASSIFY_CHARS:  # the classifier read (and masked) only the beginning
            redacted = await redact_off_loop(text, c.lang)
        data.text, data.lang, data.suggested = text, c.lang, service
        # Someone in danger confirms the best guess in one press rather than picking from a list.
        data.confidence, data.ask = round(c.confidence, 4), c.ask_service and not c.urgent
        data.top = [s for s in c.top(4) if s in self.svc.catalogue]
        data.intent, data.redacted = ReportIntent(c.intent.value), redacted
        data.urgent = c.strongly_urgent  # the numbers are shown on any danger; see nlp.types
        data.danger = c.danger  # and agents see why, as "may be urgent" on the score alone
        if c.places and not data.address:
            data.address_hint = c.places[0].text  # as written; a shared location keeps it

    # --- ideas --------------------------------------------------------------------------

    async def _idea(self, data: DraftData, explicit: bool) -> list[Reply]:
        """Offer similar published ideas to support instead; an idea the NLP spotted is also
        confirmed (it may be a problem to report). /idea with nothing similar goes at once."""
        found = await ideas.similar(
            self.s,
            data.redacted,
            str(data.suggested),
            score=self.svc.nlp.similarity,
            min_score=IDEA_SIMILARITY,
            limit=3,
            exclude_resident=self.resident.id,
        )
        data.idea_offers = [IdeaOffer(i.id, i.text[:160], i.supports) for i in found]
        data.explicit = explicit
        if explicit and not found:
            return await self._propose(data)
        return await self._prompt(await self._save(DraftStep.IDEA, data))

    async def _propose(self, data: DraftData) -> list[Reply]:
        service = str(data.suggested)
        lang = data.lang or self.lang
        idea = await ideas.propose(
            self.s,
            self.svc,
            self.resident.id,
            self.resident.first_name,
            data.text,
            service,
            lang if lang in self.svc.texts.languages else self.lang,
            self.now,
            redacted=data.redacted or data.text,
        )
        await self._discard()
        name = escape(self.svc.catalogue.name(service, self.lang))
        return self.say("idea.thanks", ref=idea.id, service=name, remove_keyboard=True)

    async def _support_instead(self, data: DraftData, idea_id: str) -> list[Reply]:
        offered = {o.id for o in data.idea_offers}
        if not is_id(idea_id) or int(idea_id) not in offered:
            return [Reply(self.t("report.stale_button"), alert=True)]
        try:
            done = await ideas.toggle_support(
                self.s, self.svc, self.resident.id, int(idea_id), self.now, only_add=True
            )
        except NotAllowed as exc:
            return [Reply(self.t(exc.key), alert=True)]
        await self._discard()
        key = "idea.supported_instead" if done.changed else "idea.already_supporting"
        said = self.say(key, ref=done.idea_id, count=done.count, remove_keyboard=True)
        if not await phone.counts(self.s, self.svc, self.resident.id):  # asked for her number
            said.append(
                Reply(self.t("idea.phone_needed"), ask_contact=self.t("button.share_phone"))
            )
        return said

    async def _next(self, data: DraftData) -> list[Reply]:
        """The first step still missing something: service, place, duplicates, photo."""
        if data.service is None:
            step = DraftStep.SERVICE
        elif data.lat is None and not data.address:
            step = DraftStep.PLACE
        elif data.offers is None and await self._offer_duplicates(data):
            step = DraftStep.DUPLICATE
        elif not data.photo_file_id and not data.photo_skipped:
            step = DraftStep.PHOTO
        else:
            step = DraftStep.CONFIRM
        return await self._prompt(await self._save(step, data))

    async def _offer_duplicates(self, data: DraftData) -> bool:
        """Look once for open reports that may be the same problem; keep them in the draft."""
        found = await duplicates.candidates(
            self.s,
            self.svc.nlp,
            str(data.service),
            data.text,
            data.lat,
            data.lon,
            data.address,
            self.now,
            exclude_resident=self.resident.id,
        )
        data.offers = [DuplicateOffer(r.id, r.redacted_text[:120], r.status) for r in found]
        return bool(found)

    async def _same_problem(self, data: DraftData, report_id: str) -> list[Reply]:
        offered = {o.id for o in data.offers or []}
        if not is_id(report_id) or int(report_id) not in offered:
            return [Reply(self.t("report.stale_button"), alert=True)]
        rid = int(report_id)
        joined = await metoo.join_and_refresh(self.s, self.svc, rid, self.resident.id, self.now)
        await self._discard()
        if not joined:
            return self.say("report.already_following", ref=rid, remove_keyboard=True)
        return self.say("report.joined", ref=rid, remove_keyboard=True)

    async def _prompt(self, d: DraftState) -> list[Reply]:
        return Prompts(self.svc, self.lang).for_step(d)

    async def _submit(self, data: DraftData) -> list[Reply]:
        later = await limits.report_allowed_from(self.s, self.svc, self.resident.id, self.now)
        if later is not None:  # the draft stays, its "Send" button with it
            at = self.svc.settings.local(later).strftime("%H:%M")
            limit = self.svc.settings.reports_per_hour
            return [Reply(self.t("limits.reports_per_hour", limit=limit, time=at), alert=True)]
        new = reports.NewReport.from_draft(data)
        rv = await reports.submit(self.s, self.svc, self.resident, new, self.now)
        await self._discard()
        name = self.svc.catalogue.name(rv.service, self.lang)
        replies = self.say("report.thanks", ref=rv.id, service=escape(name))
        if self.bot_username:
            share = self.t(
                "report.share",
                link=metoo.link(self.bot_username, rv.id, self.svc.settings.link_secret),
            )
            replies = [Reply(f"{replies[0].text}\n\n{share}")]
        if data.corrected:
            source = CorrectionSource.RESIDENT
            recorded = await feedback.record(self.s, rv.id, rv.service, source, self.now)
            if recorded.ask_consent:
                text, buttons = feedback.consent_question(self.svc.texts, self.lang)
                replies.append(Reply(text, buttons=buttons))
                return replies  # one consent question at a time: surveys next report
        if await surveys.should_ask_consent(self.s, self.resident.id):
            replies.append(
                Reply(
                    self.t("consent.surveys_question"),
                    buttons=[
                        [
                            (self.t("button.consent_yes"), ConsentChoice("surveys", True).encode()),
                            (self.t("button.consent_no"), ConsentChoice("surveys", False).encode()),
                        ]
                    ],
                )
            )
        return replies
