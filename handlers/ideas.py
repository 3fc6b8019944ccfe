"""Ideas: /idea proposes one, /ideas browses the published ones (by service, newest or most
supported) where residents support them, and the agents review and answer them on their cards.
"""

from __future__ import annotations

from telegram import (
    CallbackQuery,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType, ParseMode

from core.actors import NotAllowed
from core.callbacks import AGENT_IDEA_VERBS, IdeaAction, IdeaOrder, IdeaVerb, is_id
from core.conversation.prompts import Reply
from core.i18n import Translate
from core.ideas import answers as idea_answers
from core.ideas import cards as idea_cards
from core.ideas import proposals as ideas
from core.messages import Buttons
from core.residents import phone
from core.telegram_format import escape
from handlers import inputs
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx, agent_of
from handlers.render import inline, send_replies
from handlers.resident import answer, intake_of, resident_of

#: Ideas shown per page of /ideas.
PAGE_SIZE = 5


def _idea_text(msg: Message) -> str:
    """What follows ``/idea`` (or ``/idea@bot``), line breaks kept."""
    parts = (msg.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def on_idea(update: Update, ctx: Ctx) -> None:
    msg = inputs.message(update)
    intake = await intake_of(update, ctx)
    await answer(ctx, intake, await intake.idea(_idea_text(msg)))


async def _page(ctx: Ctx, t: Translate, lang: str, view: IdeaAction) -> tuple[str, Buttons]:
    """One page of published ideas for ``view`` (page, order, service), with its buttons."""
    cat = ctx.deps.catalogue
    service = view.service if view.service in cat else ""
    found = await ideas.published(
        ctx.session,
        service or None,
        order=view.order,
        offset=view.page * PAGE_SIZE,
        limit=PAGE_SIZE + 1,  # one more tells whether there is a next page
    )
    shown = found[:PAGE_SIZE]
    scope = escape(cat.name(service, lang)) if service else t("ideas.all_services")
    title = t(f"ideas.title.{view.order.value}", scope=scope)
    lines = [title] + [
        t(
            "ideas.line",
            ref=i.id,
            service=escape(cat.name(i.service, lang)),
            count=i.supports,
            text=escape(idea_cards.excerpt(i.text, idea_cards.IN_LIST)),
        )
        for i in shown
    ]
    if not shown:
        lines.append(t("ideas.none"))

    def at(verb: IdeaVerb, page: int, order: IdeaOrder, idea_id: int = 0) -> str:
        return IdeaAction(verb, idea_id, page, order, service).encode()

    buttons: Buttons = [
        [
            (
                t("button.idea_support", ref=i.id, count=i.supports),
                at(IdeaVerb.SUPPORT, view.page, view.order, i.id),
            )
        ]
        for i in shown
    ]
    paging = []
    if view.page > 0:
        paging.append((t("button.previous"), at(IdeaVerb.PAGE, view.page - 1, view.order)))
    if len(found) > PAGE_SIZE:
        paging.append((t("button.more"), at(IdeaVerb.PAGE, view.page + 1, view.order)))
    if paging:
        buttons.append(paging)
    other = IdeaOrder.NEWEST if view.order is IdeaOrder.SUPPORTED else IdeaOrder.SUPPORTED
    buttons.append(
        [
            (t(f"button.ideas_order.{other.value}"), at(IdeaVerb.PAGE, 0, other)),
            (t("button.ideas_by_service"), IdeaAction(IdeaVerb.FILTER, order=view.order).encode()),
        ]
    )
    return "\n\n".join(lines), buttons


def _services(ctx: Ctx, t: Translate, lang: str, order: IdeaOrder) -> tuple[str, Buttons]:
    """Pick the service whose ideas to show (or all)."""
    cat = ctx.deps.catalogue
    picks = [(t("ideas.all_services"), IdeaAction(IdeaVerb.PAGE, order=order).encode())] + [
        (cat.name(c, lang), IdeaAction(IdeaVerb.PAGE, order=order, service=c).encode())
        for c in cat.codes
    ]
    return t("ideas.pick_service"), [picks[i : i + 2] for i in range(0, len(picks), 2)]


async def on_ideas(update: Update, ctx: Ctx) -> None:
    msg = inputs.message(update)
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    text, buttons = await _page(ctx, t, r.language, IdeaAction(IdeaVerb.PAGE))
    markup = inline(buttons)
    ctx.later(
        lambda: msg.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    )


async def on_press(update: Update, ctx: Ctx) -> None:
    """Every ``i:`` button: the agents' verbs on cards, support, pages and filters for residents."""
    q = inputs.press(update)
    deps, chat = ctx.deps, update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    r = await resident_of(update, ctx) if private else None
    t = ctx.deps.texts.lang(r.language if r is not None else deps.lang)
    action = decode_or_refuse(ctx, q, IdeaAction.decode, t("idea.stale_button"))
    if action is None:
        return
    if action.verb in AGENT_IDEA_VERBS:
        await _agent_press(update, ctx, q, action)
        return
    if r is None:  # a resident's button, pressed anywhere but the private chat
        refusal = t("idea.stale_button")
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    note = ""
    if action.verb is IdeaVerb.FILTER:
        text, buttons = _services(ctx, t, r.language, action.order)
    else:
        if action.verb is IdeaVerb.SUPPORT:
            try:
                done = await ideas.toggle_support(
                    ctx.session, deps, r.id, action.idea_id, ctx.deps.clock()
                )
            except NotAllowed as exc:
                refusal = t(exc.key)
                ctx.later(lambda: q.answer(refusal, show_alert=True))
                return
            note = t("idea.supported" if done.supporting else "idea.withdrawn", count=done.count)
            if done.supporting and not await phone.counts(ctx.session, deps, r.id):
                ask_phone(ctx, r.chat_id, t)
        text, buttons = await _page(ctx, t, r.language, action)
    markup = inline(buttons)
    ctx.later(lambda: q.answer(note or None))
    ctx.later(
        lambda: q.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    )


async def _agent_press(update: Update, ctx: Ctx, q: CallbackQuery, action: IdeaAction) -> None:
    """Approve publishes at once; the other verbs ask the chat for a text (see
    ``core.ideas.answers``); a milestone is marked reached. Core says who may."""
    deps, now, by = ctx.deps, ctx.deps.clock(), agent_of(update)
    t = deps.texts.lang(deps.lang)
    s = ctx.session
    try:
        match action.verb:
            case IdeaVerb.APPROVE:  # the card is refreshed through the outbox
                await ideas.approve(s, deps, by, action.idea_id, now)
                ctx.later(lambda: q.answer(t("idea.published_by_you")))
                return
            case IdeaVerb.MILESTONE_DONE:
                reached = await idea_answers.milestone_done(
                    s, deps, by, action.idea_id, _int(action.arg), now
                )
                ctx.later(lambda: q.answer())
                ctx.later(lambda: q.edit_message_text(reached.card, parse_mode=ParseMode.HTML))
                return
            case IdeaVerb.ANSWER:
                await idea_answers.ask(
                    s, deps, by, action.idea_id, idea_answers.ANSWER, now, action.arg
                )
            case IdeaVerb.EDIT:
                await idea_answers.ask(s, deps, by, action.idea_id, idea_answers.EDIT, now)
            case IdeaVerb.DECLINE:
                await idea_answers.ask(s, deps, by, action.idea_id, idea_answers.DECLINE, now)
            case IdeaVerb.MILESTONE:
                await idea_answers.ask(s, deps, by, action.idea_id, idea_answers.MILESTONE, now)
    except NotAllowed as exc:
        refusal = t("idea.not_allowed" if exc.key == "agent.not_allowed" else exc.key)
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    asked = t("idea.asked")
    ctx.later(lambda: q.answer(asked))


def _int(arg: str) -> int:
    if not is_id(arg):
        raise NotAllowed("idea.stale_button")
    return int(arg)


async def on_agent_reply(update: Update, ctx: Ctx, idea_id: int, text: str) -> None:
    """An agent replied to one of an idea's messages: the text its last button asked for."""
    msg = inputs.message(update)
    deps = ctx.deps
    t = deps.texts.lang(deps.lang)
    try:
        done = await idea_answers.on_reply(
            ctx.session, deps, agent_of(update), idea_id, text, ctx.deps.clock()
        )
    except NotAllowed as exc:
        refusal = t("idea.not_allowed" if exc.key == "agent.not_allowed" else exc.key)
        ctx.later(lambda: msg.reply_text(refusal, parse_mode=ParseMode.HTML))
        return
    said = t(f"idea.replied.{done.what}", ref=idea_id, count=done.told)
    ctx.later(lambda: msg.reply_text(said, parse_mode=ParseMode.HTML))


def ask_phone(ctx: Ctx, chat_id: int, t: Translate) -> None:
    """Ask for the resident's own number, with Telegram's contact button (the only way a
    contact comes with her own user id: ``core.residents.phone``)."""
    ask = Reply(t("idea.phone_needed"), ask_contact=t("button.share_phone"))
    ctx.later(lambda: send_replies(ctx.bot, chat_id, [ask], ""))


async def on_contact(update: Update, ctx: Ctx) -> None:
    """A contact sent in private: her phone number, for supports that count."""
    msg = inputs.message(update)
    r = await resident_of(update, ctx)
    contact = msg.contact
    if contact is None:
        return
    user = update.effective_user
    key = await phone.share(
        ctx.session,
        ctx.deps,
        r.id,
        user.id if user is not None else 0,
        contact.user_id,
        contact.phone_number,
        ctx.deps.clock(),
    )
    text = ctx.deps.texts.get(r.language, key)
    ctx.later(lambda: msg.reply_text(text, reply_markup=ReplyKeyboardRemove()))
