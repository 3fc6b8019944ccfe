"""Helpers shared by the resident-side handlers."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update

from core.conversation.handover import hand_over
from core.conversation.intake import Intake
from core.conversation.prompts import Reply
from core.residents import directory as residents
from core.residents.directory import ResidentRef
from handlers.context import Ctx
from handlers.failures import classify
from handlers.render import send_replies

log = logging.getLogger(__name__)


def _contact(update: Update, ctx: Ctx) -> tuple[int, int, str, str, datetime]:
    """What ``residents.touch`` needs of an update: user, chat, first name, language, now."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None  # the filters guarantee a private chat
    svc = ctx.deps
    return user.id, chat.id, user.first_name or "", svc.texts.pick(user.language_code), svc.clock()


async def resident_of(update: Update, ctx: Ctx) -> ResidentRef:
    return await residents.touch(ctx.session, *_contact(update, ctx))


async def intake_of(update: Update, ctx: Ctx) -> Intake:
    """The resident's input, with their draft read in the same round trip as their record."""
    svc = ctx.deps
    resident, draft = await residents.touch_with_draft(ctx.session, *_contact(update, ctx))
    return Intake(
        ctx.session,
        svc,
        resident,
        resident.chat_id,
        svc.clock(),
        bot_username=bot_username(ctx),
        draft=draft,
        draft_read=True,
    )


def bot_username(ctx: Ctx) -> str:
    """The bot's @username (from getMe at start-up), for links residents share; "" if unknown."""
    try:
        return ctx.bot.username
    except RuntimeError:  # the bot was not initialised (never in the running app)
        return ""


async def answer(ctx: Ctx, intake: Intake, replies: list[Reply]) -> None:
    label = intake.t("button.send_location")
    ctx.later(lambda: _send_or_hand_over(ctx, intake.chat_id, replies, label))


async def _send_or_hand_over(ctx: Ctx, chat_id: int, replies: list[Reply], label: str) -> None:
    """Each reply in turn (each call tried again for a while); what Telegram still refuses
    for a transient reason (an outage) goes through the outbox, in order."""
    for i, reply in enumerate(replies):
        try:
            await send_replies(ctx.bot, chat_id, [reply], label)
        except Exception as exc:
            if not classify(exc).passes:
                raise
            n = await hand_over(ctx.deps, chat_id, replies[i:])
            log.warning("reply: %s message(s) handed to the outbox (%s)", n, type(exc).__name__)
            return
