"""/stats: public figures in a private chat; a service's detailed figures in its agents chat."""

from __future__ import annotations

import logging

from telegram import InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from core.stats import chart
from core.stats import views as stats_views
from core.stats.views import StatsMessage
from core.telegram_format import split
from handlers import inputs
from handlers.context import Ctx
from handlers.resident import resident_of

log = logging.getLogger(__name__)


async def on_stats(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    svc = ctx.deps
    shown = await stats_views.public(
        ctx.session, svc.catalogue, svc.texts, svc.settings, svc.clock(), r.language
    )
    await _send(ctx, update, shown)


async def on_agents_stats(update: Update, ctx: Ctx) -> None:
    """Agents of the chat's service get its details; anyone else there is told where the
    public figures are (a group is no place to post them for a non-agent)."""
    user, msg = inputs.user_message(update)
    svc = ctx.deps
    codes = stats_views.agent_services(svc.catalogue, msg.chat_id, user.id)
    if not codes:
        refusal = svc.texts.get(svc.settings.default_language, "stats.agents_only")
        ctx.later(lambda: msg.reply_text(refusal))
        return
    shown = await stats_views.for_agents(
        ctx.session, svc.catalogue, svc.texts, svc.settings, svc.clock(), codes
    )
    await _send(ctx, update, shown)


async def _send(ctx: Ctx, update: Update, shown: StatsMessage) -> None:
    msg = inputs.message(update)
    ctx.later(lambda: _deliver(ctx.bot, msg, shown))


async def _deliver(bot: ExtBot[None], msg: Message, shown: StatsMessage) -> None:
    """After the commit, so that drawing the chart holds no transaction (nor, on SQLite, the
    write gate). The chart carries the figures as its caption when they fit; otherwise they
    go first, as messages. Without a chart (or if Telegram refuses it) the text goes alone."""
    png = await chart.render(shown.rows, shown.labels)
    if png is not None and shown.text_fits_caption:
        try:
            await _photo(bot, msg.chat_id, png, shown.text)
            return
        except TelegramError as exc:
            log.warning("stats chart not delivered: %s", type(exc).__name__)
            png = None
    for part in split(shown.text):
        await msg.reply_text(part, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
    if png is not None:
        await _photo(bot, msg.chat_id, png, shown.caption)


async def _photo(bot: ExtBot[None], chat_id: int, png: bytes, caption: str) -> Message:
    photo = InputFile(png, filename="stats.png")
    return await bot.send_photo(chat_id, photo, caption=caption, parse_mode=ParseMode.HTML)
