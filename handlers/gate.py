"""Before any handler: a private chat's update goes on only if its resident may be heard now
(``core.residents.limits.admit``: blocked, too fast, too long). Otherwise it is answered and
stops here; the inbox keeps it as any update."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from core.residents import limits
from handlers.context import Ctx


async def screen(update: Update, ctx: Ctx) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    q = update.callback_query
    msg = None if q is not None else update.effective_message
    text = (msg.text or msg.caption or "") if msg is not None else ""
    deps = ctx.deps
    lang = deps.texts.pick(user.language_code)
    held = await limits.admit(ctx.session, deps, user.id, chat.id, text, deps.clock(), lang)
    if held is None:
        return
    reply = held.reply
    if q is not None:
        ctx.later(lambda: q.answer(reply, show_alert=reply is not None))
    elif reply is not None:
        ctx.later(lambda: ctx.bot.send_message(chat.id, reply))
    raise ApplicationHandlerStop
