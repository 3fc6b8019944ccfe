"""What the bot says at each step of the report conversation, with its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.callbacks import DraftAction, DraftVerb
from core.conversation.drafts import DraftState
from core.deps import Deps
from core.messages import Buttons
from core.telegram_format import escape
from storage.enums import DraftStep


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: Buttons | None = None
    ask_location: bool = False
    remove_keyboard: bool = False
    alert: bool = False  # for button presses: show as a pop-up rather than a message
    #: The label of Telegram's contact button to show (her own number: ``residents.phone``).
    ask_contact: str = ""


class Prompts:
    def __init__(self, svc: Deps, lang: str) -> None:
        self.svc, self.lang = svc, lang

    def t(self, key: str, **params: Any) -> str:
        return self.svc.texts.get(self.lang, key, **params)

    def say(self, key: str, **params: Any) -> list[Reply]:
        return [Reply(self.t(key, **params))]

    def for_step(self, d: DraftState) -> list[Reply]:
        match d.step:
            case DraftStep.DESCRIBE:
                return self.say("report.describe")
            case DraftStep.SERVICE:
                return [self._suggestion(d)]
            case DraftStep.PLACE:
                hint = d.data.address_hint
                key = "report.ask_place_hint" if hint else "report.ask_place"
                return [Reply(self.t(key, hint=escape(hint or "")), ask_location=True)]
            case DraftStep.DUPLICATE:
                return [self._duplicate_offer(d)]
            case DraftStep.FAQ:
                return [self._faq_answer(d)]
            case DraftStep.PHOTO:
                skip = DraftAction(DraftVerb.SKIP_PHOTO, d.id).encode()
                return [
                    Reply(self.t("report.ask_photo"), remove_keyboard=True),
                    Reply(self.t("report.photo_hint"), buttons=[[(self.t("button.skip"), skip)]]),
                ]
            case DraftStep.CONFIRM:
                return [self._summary(d)]
            case DraftStep.IDEA_TEXT:
                return self.say("idea.ask_text")
            case DraftStep.IDEA:
                return [self._idea_offer(d)]

    def _idea_offer(self, d: DraftState) -> Reply:
        """Similar published ideas to support instead, and (when the NLP took the message for
        an idea) the choice between proposing it and reporting a problem."""
        offers = d.data.idea_offers
        text = d.data.text
        shown = escape(text if len(text) <= 400 else text[:400] + "…")
        service = escape(self._name(str(d.data.suggested)))
        said = [self.t("idea.confirm", service=service, text=shown)]
        rows: Buttons = []
        if offers:
            said.append(self.t("idea.similar_intro"))
            for o in offers:
                said.append(
                    self.t("idea.similar_line", ref=o.id, count=o.supports, text=escape(o.text))
                )
                verb = DraftAction(DraftVerb.IDEA_SUPPORT, d.id, str(o.id))
                rows.append([(self.t("button.support_instead", ref=o.id), verb.encode())])
        propose = DraftAction(DraftVerb.IDEA_SUBMIT, d.id).encode()
        rows.append([(self.t("button.propose_idea"), propose)])
        if not d.data.explicit:
            report = DraftAction(DraftVerb.IDEA_AS_REPORT, d.id).encode()
            rows.append([(self.t("button.idea_is_report"), report)])
        rows.append([(self.t("button.cancel"), DraftAction(DraftVerb.CANCEL, d.id).encode())])
        return Reply("\n\n".join(said), buttons=rows)

    def _faq_answer(self, d: DraftState) -> Reply:
        if d.data.faq is None:
            raise LookupError("a draft at the FAQ step without its entry")
        entry = self.svc.faq[d.data.faq]
        ok = DraftAction(DraftVerb.FAQ_OK, d.id).encode()
        no = DraftAction(DraftVerb.FAQ_NO, d.id).encode()
        return Reply(
            self.t("faq.answer", answer=escape(entry.answer(self.lang))),
            buttons=[[(self.t("button.faq_ok"), ok)], [(self.t("button.faq_no"), no)]],
        )

    def _duplicate_offer(self, d: DraftState) -> Reply:
        offers = d.data.offers or []
        lines = [
            self.t(
                "report.offer_line",
                ref=o.id,
                text=escape(o.text),
                status=self.t(f"status.{o.status.value}"),
            )
            for o in offers
        ]
        rows: Buttons = [
            [
                (
                    self.t("button.same", ref=o.id),
                    DraftAction(DraftVerb.SAME_PROBLEM, d.id, str(o.id)).encode(),
                )
            ]
            for o in offers
        ]
        rows.append([(self.t("button.not_same"), DraftAction(DraftVerb.NOT_SAME, d.id).encode())])
        return Reply(
            self.t("report.same_problem", offers="\n".join(lines)),
            buttons=rows,
            remove_keyboard=False,
        )

    def _name(self, code: str) -> str:
        return self.svc.catalogue.name(code, self.lang)

    def _suggestion(self, d: DraftState) -> Reply:
        suggested = str(d.data.suggested)
        more = (self.t("button.other_service"), DraftAction(DraftVerb.MORE_SERVICES, d.id).encode())
        if not d.data.ask and d.data.confidence >= self.svc.settings.confidence_threshold:
            yes = DraftAction(DraftVerb.CONFIRM_SERVICE, d.id, suggested).encode()
            return Reply(
                self.t("report.suggest", service=escape(self._name(suggested))),
                buttons=[
                    [(self.t("button.yes_service", service=self._name(suggested)), yes)],
                    [more],
                ],
            )
        top = [*[c for c in d.data.top if c != "other"][:3], "other"]
        rows: Buttons = [
            [(self._name(c), DraftAction(DraftVerb.CONFIRM_SERVICE, d.id, c).encode())] for c in top
        ]
        return Reply(self.t("report.unsure"), buttons=[*rows, [more]])

    def all_services(self, d: DraftState) -> list[Reply]:
        """Every service of the catalogue, two a row (after "another service…")."""
        codes = list(self.svc.catalogue.codes)
        rows: Buttons = [
            [
                (self._name(c), DraftAction(DraftVerb.CONFIRM_SERVICE, d.id, c).encode())
                for c in codes[i : i + 2]
            ]
            for i in range(0, len(codes), 2)
        ]
        return [Reply(self.t("report.pick_service"), buttons=rows)]

    def _summary(self, d: DraftState) -> Reply:
        data = d.data
        if data.address:
            place = escape(data.address)
        elif data.lat is not None:
            place = f"{data.lat:.5f}, {float(data.lon or 0):.5f}"
        else:
            place = "—"
        text = data.text
        shown = text if len(text) <= 600 else text[:600] + "…"
        photo = self.t("summary.photo_yes") if data.photo_file_id else self.t("summary.photo_no")
        return Reply(
            self.t(
                "report.summary",
                service=escape(self._name(str(data.service))),
                place=place,
                text=escape(shown),
                photo=photo,
            ),
            buttons=[
                [(self.t("button.submit"), DraftAction(DraftVerb.SUBMIT, d.id).encode())],
                [(self.t("button.cancel"), DraftAction(DraftVerb.CANCEL, d.id).encode())],
            ],
        )
