"""The questionnaire's buttons: is it fixed? / still a problem?, the rating, skip the comment.

A comment is a reply to the prompt message: ``handlers.report`` routes it here first.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode

from core.callbacks import QuestionnaireAction
from core.engagement import questionnaire_answers
from handlers import inputs
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.render import inline
from handlers.resident import resident_of


async def on_press(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:  # pressed anywhere but the private chat
        refusal = ctx.deps.texts.get(None, "questionnaire.not_for_you")
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    action = decode_or_refuse(ctx, q, QuestionnaireAction.decode, t("questionnaire.not_for_you"))
    if action is None:
        return
    reply = await questionnaire_answers.press(ctx.session, ctx.deps, r, action, ctx.deps.clock())
    if reply.alert:
        ctx.later(lambda: q.answer(reply.text, show_alert=True))
        return
    markup = inline(reply.buttons)
    ctx.later(lambda: q.answer())
    ctx.later(
        lambda: q.edit_message_text(reply.text, parse_mode=ParseMode.HTML, reply_markup=markup)
    )
