"""The agents' side: buttons on ticket cards, /queue (their open reports, most pressing first)
and /dashboard. Notes, replies, reopening and "after" photos: ``handlers.workspace``."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden

from core.actors import NotAllowed
from core.agents import access as dashboard_access
from core.callbacks import AgentAction, AgentVerb
from core.reports import agent_actions, priority
from core.reports.agent_actions import Result
from core.stats import views as stats_views
from handlers import inputs
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx, agent_of
from handlers.render import inline


async def on_action(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    deps = ctx.deps
    t = deps.texts.lang(deps.lang)
    action = decode_or_refuse(ctx, q, AgentAction.decode, t("agent.stale_button"))
    if action is None:
        return
    try:
        done = await agent_actions.perform(
            ctx.session, deps, agent_of(update), action, deps.clock()
        )
    except NotAllowed as exc:
        refusal = t(exc.key)
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    match done.result:
        case Result.PICKER:
            ctx.later(lambda: q.answer())
            ctx.later(lambda: q.edit_message_reply_markup(inline(done.buttons)))
        case Result.NO_CANDIDATES:
            ctx.later(lambda: q.answer(t("agent.no_candidates"), show_alert=True))
        case Result.PREVIEW if done.draft is not None:
            text = agent_actions.preview_text(deps, done.draft)
            markup = inline(done.buttons)
            ctx.later(lambda: q.answer())
            msg = q.message
            if msg is not None:
                ctx.later(
                    lambda: ctx.bot.send_message(
                        msg.chat.id,
                        text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                        reply_to_message_id=msg.message_id,
                    )
                )
        case Result.HOW_TO_REOPEN:
            ctx.later(lambda: q.answer(t("agent.reopen_how"), show_alert=True))
        case Result.CHANGED if action.verb in (AgentVerb.SEND, AgentVerb.DROP):
            ctx.later(lambda: q.answer(t(f"agent.{action.verb.value}_done")))
            ctx.later(lambda: q.edit_message_reply_markup(None))
        case Result.CHANGED if action.verb is AgentVerb.MOVE:
            moved = t("agent.moved", service=deps.catalogue.name(action.arg, deps.lang))
            ctx.later(lambda: q.answer(moved))
        case Result.CHANGED:
            ctx.later(lambda: q.answer(t("agent.done")))
        case Result.UNCHANGED:
            ctx.later(lambda: q.answer(t("agent.unchanged")))


async def on_queue(update: Update, ctx: Ctx) -> None:
    """/queue in an agents chat: the open reports of the services this agent serves there."""
    user, msg = inputs.user_message(update)
    deps = ctx.deps
    codes = stats_views.agent_services(deps.catalogue, msg.chat_id, user.id)
    if not codes:
        refusal = deps.texts.get(deps.lang, "queue.agents_only")
        ctx.later(lambda: msg.reply_text(refusal))
        return
    text = await priority.queue_text(ctx.session, deps, codes)
    ctx.later(
        lambda: msg.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
    )


async def on_dashboard(update: Update, ctx: Ctx) -> None:
    """/dashboard, in private or in an agents chat: a one-time login link, sent in private."""
    user, msg = inputs.user_message(update)
    texts = ctx.deps.texts
    lang = texts.pick(user.language_code)
    t = texts.lang(lang)
    base = ctx.deps.settings.dashboard_login_url
    if not base:
        ctx.later(lambda: msg.reply_text(t("dashboard.off")))
        return
    by = agent_of(update)
    try:
        token = await dashboard_access.issue_login(
            ctx.session, ctx.deps.catalogue, user.id, by.name, lang, ctx.deps.clock()
        )
    except NotAllowed as exc:
        refusal = t(exc.key)
        ctx.later(lambda: msg.reply_text(refusal))
        return
    minutes = int(dashboard_access.LOGIN_TTL.total_seconds() // 60)
    link = t("dashboard.link", url=f"{base}?token={token}", minutes=minutes)
    in_group = msg.chat.type != ChatType.PRIVATE

    async def send() -> None:
        try:  # no preview: a preview would open the link, and spend it
            await ctx.bot.send_message(user.id, link, disable_web_page_preview=True)
        except Forbidden:  # they never opened a private chat with the bot
            if in_group:
                await msg.reply_text(t("dashboard.start_first"))
            return
        if in_group:
            await msg.reply_text(t("dashboard.sent_private"))

    ctx.later(send)
