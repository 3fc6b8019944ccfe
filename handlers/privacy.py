"""/privacy: what is kept and why, consent to training, export and erasure of one's data."""

from __future__ import annotations

import json

from telegram import InputFile, Update
from telegram.constants import ParseMode

from core.callbacks import ConsentChoice, PrivacyAction, PrivacyVerb
from core.engagement import surveys
from core.residents import feedback, privacy
from handlers import inputs
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.render import inline
from handlers.resident import resident_of


async def on_privacy(update: Update, ctx: Ctx) -> None:
    msg = inputs.message(update)
    r = await resident_of(update, ctx)
    texts = ctx.deps.texts
    t = texts.lang(r.language)
    consent = await feedback.consent_of(ctx.session, r.id)
    _, consent_buttons = feedback.consent_question(texts, r.language)
    parts = [t("privacy.body")]
    settings = ctx.deps.settings
    if settings.open_data:
        key = "privacy.open_data_text" if settings.open_data_text else "privacy.open_data"
        parts.append(t(key))
    parts.append(t("privacy.training_on" if consent else "privacy.training_off"))
    body = "\n\n".join(parts)
    rows = [
        *consent_buttons,
        [(t("button.export"), PrivacyAction(PrivacyVerb.EXPORT).encode())],
        [(t("button.erase"), PrivacyAction(PrivacyVerb.ERASE).encode())],
    ]
    markup = inline(rows)
    ctx.later(lambda: msg.reply_text(body, parse_mode=ParseMode.HTML, reply_markup=markup))


async def on_privacy_action(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    action = decode_or_refuse(ctx, q, PrivacyAction.decode, t("report.stale_button"))
    if action is None:
        return
    chat = r.chat_id
    ctx.later(lambda: q.answer())
    match action.verb:
        case PrivacyVerb.EXPORT:
            doc = await privacy.export(ctx.session, r.id)
            data = json.dumps(doc, ensure_ascii=False, indent=2).encode()
            file = InputFile(data, filename="senscommun-my-data.json")
            caption = t("privacy.export_caption")
            ctx.later(lambda: ctx.bot.send_document(chat, file, caption=caption))
        case PrivacyVerb.ERASE:
            confirm = PrivacyAction(PrivacyVerb.ERASE_CONFIRMED).encode()
            markup = inline([[(t("button.erase_confirm"), confirm)]])
            ctx.later(lambda: q.edit_message_text(t("privacy.erase_confirm"), reply_markup=markup))
        case PrivacyVerb.ERASE_CONFIRMED:
            erased = await privacy.erase(
                ctx.session, ctx.deps, r.id, ctx.deps.clock(), update.update_id
            )
            done = t("privacy.erased", n=erased.reports)
            ctx.later(lambda: q.edit_message_text(done))
            ctx.later(lambda: _remove(erased.photo_paths))


async def _remove(paths: list[str]) -> None:
    privacy.remove_files(paths)


async def on_consent(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    choice = decode_or_refuse(ctx, q, ConsentChoice.decode, t("report.stale_button"))
    if choice is None:
        return
    if choice.topic == "surveys":
        await surveys.set_consent(ctx.session, r.id, choice.yes)
        done = t("consent.surveys_yes" if choice.yes else "consent.surveys_no")
    else:
        await feedback.set_consent(ctx.session, r.id, choice.yes)
        done = t("consent.thanks_yes" if choice.yes else "consent.thanks_no")
    ctx.later(lambda: q.answer())
    ctx.later(lambda: q.edit_message_text(done))
