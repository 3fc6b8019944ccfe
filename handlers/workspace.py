"""The agents' workspace in Telegram: notes (a plain reply to a card), ``/reply`` (words to the
resident, shown before sending), ``/reopen`` (with the reason the resident reads), the "after"
photo (a photo in reply to a card), and ``/mine``. Every one calls the use case the dashboard
calls; a refusal is said in the chat."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode

from core.actors import NotAllowed
from core.ideas import cards as idea_cards
from core.reports import after, agent_actions, assignment, notes, relay, reopen
from core.reports.priority import queue_lines
from core.stats import views as stats_views
from handlers import ideas, inputs
from handlers.context import Ctx, agent_of
from handlers.render import inline


async def _card_report(ctx: Ctx, msg: Message) -> int | None:
    """The report whose card (or a message about it) ``msg`` replies to."""
    if msg.reply_to_message is None:
        return None
    return await relay.report_of_message(ctx.session, msg.chat_id, msg.reply_to_message.message_id)


def _refuse(ctx: Ctx, msg: Message, key: str) -> None:
    refusal = ctx.deps.texts.get(ctx.deps.lang, key)
    ctx.later(lambda: msg.reply_text(refusal))


def _words(msg: Message) -> str:
    """A command's words: ``/reply@bot Hello`` → ``Hello``."""
    text = msg.text or ""
    return text.split(maxsplit=1)[1].strip() if len(text.split(maxsplit=1)) == 2 else ""


async def on_reply(update: Update, ctx: Ctx) -> None:
    """A plain reply to a card is an internal note: it never reaches the resident."""
    msg = inputs.message(update)
    if msg.reply_to_message is None or not msg.text:
        return
    deps = ctx.deps
    report_id = await _card_report(ctx, msg)
    if report_id is None:
        replied_to = msg.reply_to_message.message_id
        idea_id = await idea_cards.idea_of_message(ctx.session, msg.chat_id, replied_to)
        if idea_id is not None:
            await ideas.on_agent_reply(update, ctx, idea_id, msg.text)
        return
    try:
        await notes.add_note(ctx.session, deps, agent_of(update), report_id, msg.text, deps.clock())
    except NotAllowed as exc:
        _refuse(ctx, msg, exc.key)
        return
    said = deps.texts.get(deps.lang, "agent.noted", ref=report_id)
    ctx.later(lambda: msg.reply_text(said))


async def on_reply_command(update: Update, ctx: Ctx) -> None:
    """``/reply words`` in reply to a card: the words, shown with "Send" and "Cancel"."""
    msg = inputs.message(update)
    deps = ctx.deps
    report_id, words = await _card_report(ctx, msg), _words(msg)
    if report_id is None or not words:
        _refuse(ctx, msg, "agent.reply_how")
        return
    try:
        draft = await notes.draft_reply(
            ctx.session, deps, agent_of(update), report_id, words, deps.clock()
        )
    except NotAllowed as exc:
        _refuse(ctx, msg, exc.key)
        return
    text = agent_actions.preview_text(deps, draft)
    markup = inline(agent_actions.preview_buttons(deps, draft))
    ctx.later(lambda: msg.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup))


async def on_reopen(update: Update, ctx: Ctx) -> None:
    """``/reopen reason`` in reply to a closed report's card."""
    msg = inputs.message(update)
    deps = ctx.deps
    report_id, reason = await _card_report(ctx, msg), _words(msg)
    if report_id is None or not reason:
        _refuse(ctx, msg, "agent.reopen_how")
        return
    try:
        await reopen.reopen(ctx.session, deps, agent_of(update), report_id, reason, deps.clock())
    except NotAllowed as exc:
        _refuse(ctx, msg, exc.key)
        return
    said = deps.texts.get(deps.lang, "agent.reopened", ref=report_id)
    ctx.later(lambda: msg.reply_text(said))


async def on_photo(update: Update, ctx: Ctx) -> None:
    """A photo in reply to a card: the "after" photo, sent with the resolved notice."""
    msg = inputs.message(update)
    deps = ctx.deps
    report_id = await _card_report(ctx, msg)
    if report_id is None or not msg.photo:
        return
    big = msg.photo[-1]
    try:
        done = await after.attach(
            ctx.session,
            deps,
            agent_of(update),
            report_id,
            big.file_id,
            big.file_unique_id,
            deps.clock(),
        )
    except NotAllowed as exc:
        _refuse(ctx, msg, exc.key)
        return
    key = "agent.after_sent" if done.sent_now else "agent.after_kept"
    said = deps.texts.get(deps.lang, key, ref=report_id)
    ctx.later(lambda: msg.reply_text(said))


async def on_mine(update: Update, ctx: Ctx) -> None:
    """``/mine`` in an agents chat: the open reports this agent has, there."""
    user, msg = inputs.user_message(update)
    deps = ctx.deps
    codes = stats_views.agent_services(deps.catalogue, msg.chat_id, user.id)
    if not codes:
        _refuse(ctx, msg, "queue.agents_only")
        return
    mine = await assignment.mine(ctx.session, user.id, codes)
    t = deps.texts.lang(deps.lang)
    text = "\n".join([t("mine.title"), *queue_lines(deps, mine)]) if mine else t("mine.empty")
    ctx.later(
        lambda: msg.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
    )
