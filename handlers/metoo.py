"""A report opened from its shared link (``/start r<id>``), and its "Me too" button."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from core.callbacks import MeTooAction
from core.reports import metoo
from handlers import inputs
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.render import send_replies
from handlers.resident import resident_of


async def show(update: Update, ctx: Ctx, report_id: int) -> None:
    r = await resident_of(update, ctx)
    reply = await metoo.show(ctx.session, ctx.deps, r, report_id)
    label = ctx.deps.texts.get(r.language, "button.send_location")
    ctx.later(lambda: send_replies(ctx.bot, r.chat_id, [reply], label))


async def on_press(update: Update, ctx: Ctx) -> None:
    q, chat = inputs.press(update), update.effective_chat
    texts = ctx.deps.texts
    if chat is None or chat.type != ChatType.PRIVATE:  # the button is only sent in private
        refusal = texts.get(ctx.deps.lang, "report.stale_button")
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    r = await resident_of(update, ctx)
    action = decode_or_refuse(
        ctx, q, MeTooAction.decode, texts.get(r.language, "report.stale_button")
    )
    if action is None:
        return
    joined = await metoo.join(ctx.session, ctx.deps, r, action, ctx.deps.clock())
    ctx.later(lambda: q.answer(None if joined.ok else joined.text, show_alert=not joined.ok))
    ctx.later(lambda: q.edit_message_reply_markup(None))
    if joined.ok:
        ctx.later(lambda: ctx.bot.send_message(r.chat_id, joined.text))
