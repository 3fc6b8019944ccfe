"""The resident's report conversation: text, photo, location, buttons; replies to notices."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from core.callbacks import DraftAction
from core.conversation.intake import Intake, Photo
from core.engagement import questionnaire_answers
from core.reports import relay
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.resident import answer, intake_of

log = logging.getLogger(__name__)


async def _relayed(update: Update, ctx: Ctx, intake: Intake, text: str) -> bool:
    """A reply to one of our notifications goes to the report's agents (a reply to a
    questionnaire's comment prompt is the comment)."""
    msg = update.effective_message
    if msg is None or msg.reply_to_message is None:
        return False
    said = await questionnaire_answers.comment(
        ctx.session, ctx.deps, intake.resident, msg.reply_to_message.message_id, text, intake.now
    )
    if said is not None:  # a comment, in reply to a questionnaire's prompt
        ctx.later(lambda: msg.reply_text(said))
        return True
    report_id = await relay.report_of_message(
        ctx.session, intake.chat_id, msg.reply_to_message.message_id
    )
    if report_id is None:
        return False
    done = await relay.resident_to_agents(
        ctx.session, ctx.deps, intake.resident.id, report_id, text, intake.now
    )
    if done is None:
        return False
    ctx.later(lambda: msg.reply_text(intake.t("relay.sent_to_service", ref=report_id)))
    return True


async def on_text(update: Update, ctx: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None and msg.text is not None
    intake = await intake_of(update, ctx)
    if await _relayed(update, ctx, intake, msg.text):
        return
    await answer(ctx, intake, await intake.text(msg.text))


async def on_photo(update: Update, ctx: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None and msg.photo
    largest = max(msg.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
    path = await _download(ctx, largest.file_id, largest.file_unique_id)  # before any write
    intake = await intake_of(update, ctx)
    photo = Photo(largest.file_id, largest.file_unique_id, path)
    await answer(ctx, intake, await intake.photo(photo, msg.caption))


async def _download(ctx: Ctx, file_id: str, unique_id: str) -> str | None:
    """Keep a copy in the media folder; the file_id alone is enough to go on if it fails."""
    folder = ctx.deps.settings.media_dir
    safe = "".join(c for c in unique_id if c.isalnum() or c in "-_")[:64] or "photo"
    target = folder / f"{safe}.jpg"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # residents' photos: ours only
        if not target.exists():
            tg_file = await ctx.bot.get_file(file_id)
            await tg_file.download_to_drive(target)
    except (TelegramError, OSError) as exc:
        log.warning("photo download failed: %s", type(exc).__name__)
        return None
    return str(target)


async def on_location(update: Update, ctx: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None and msg.location is not None
    intake = await intake_of(update, ctx)
    await answer(ctx, intake, await intake.location(msg.location.latitude, msg.location.longitude))


async def on_unsupported(update: Update, ctx: Ctx) -> None:
    """Stickers, voice notes, files...: say what the bot can read, change nothing."""
    intake = await intake_of(update, ctx)
    await answer(ctx, intake, intake.say("report.unsupported"))


async def on_edited(update: Update, ctx: Ctx) -> None:
    """An edited message changes nothing (the bot may have moved on since): say how to correct."""
    intake = await intake_of(update, ctx)
    await answer(ctx, intake, intake.say("report.edited"))


async def on_draft_action(update: Update, ctx: Ctx) -> None:
    q = update.callback_query
    assert q is not None
    intake = await intake_of(update, ctx)
    action = decode_or_refuse(ctx, q, DraftAction.decode, intake.t("report.stale_button"))
    if action is None:
        return
    replies = await intake.press(action)
    if len(replies) == 1 and replies[0].alert:
        ctx.later(lambda: q.answer(replies[0].text, show_alert=True))
        return
    ctx.later(lambda: q.answer())
    ctx.later(lambda: q.edit_message_reply_markup(None))
    await answer(ctx, intake, replies)
