"""Ideas: /idea proposes one for review, the agents approve or decline it on its card, /ideas
lists the published ones, where residents support them."""

from __future__ import annotations

from html import escape

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType, ParseMode

from core import ideas
from core.callbacks import IdeaAction, IdeaVerb
from core.i18n import Translate
from core.outbox import Buttons
from core.status import AgentRef, NotAllowed
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.render import inline
from handlers.resident import resident_of

#: Ideas shown per page of /ideas.
PAGE_SIZE = 5


def _idea_text(msg: Message) -> str:
    """What follows ``/idea`` (or ``/idea@bot``), line breaks kept."""
    parts = (msg.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def on_idea(update: Update, ctx: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None
    r = await resident_of(update, ctx)
    t = ctx.services.texts.lang(r.language)
    text = _idea_text(msg)
    if not text:
        usage = t("idea.usage")
        ctx.later(lambda: msg.reply_text(usage, parse_mode=ParseMode.HTML))
        return
    svc, desk, now = ctx.services, ctx.desk, ctx.services.clock()
    c = await svc.ahead.classify(svc.nlp, text, r.language)
    service = c.service if c.service in svc.catalogue else ideas.DESK
    lang = c.lang if c.lang in svc.texts.languages else r.language
    idea = await ideas.submit(ctx.session, r.id, text, service, lang, now, redacted=c.redacted)
    ideas.send_review_card(ctx.session, desk, idea, r.first_name or "", now)
    thanks = t("idea.thanks", ref=idea.id, service=escape(svc.catalogue.name(service, r.language)))
    ctx.later(lambda: msg.reply_text(thanks, parse_mode=ParseMode.HTML))


async def _page(ctx: Ctx, t: Translate, lang: str, page: int) -> tuple[str, Buttons]:
    """One page of published ideas, most supported first, with their buttons."""
    found = await ideas.published(
        ctx.session,
        order=ideas.IdeaOrder.SUPPORTED,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE + 1,  # one more tells whether there is a next page
    )
    shown = found[:PAGE_SIZE]
    if not shown:
        return t("ideas.none"), []
    cat = ctx.services.catalogue
    lines = [t("ideas.title")] + [
        t(
            "ideas.line",
            ref=i.id,
            service=escape(cat.name(i.service, lang)),
            count=i.supports,
            text=escape(i.text),
        )
        for i in shown
    ]
    buttons: Buttons = [
        [
            (
                t("button.idea_support", ref=i.id, count=i.supports),
                IdeaAction(IdeaVerb.SUPPORT, i.id, page).encode(),
            )
        ]
        for i in shown
    ]
    paging = []
    if page > 0:
        paging.append((t("button.previous"), IdeaAction(IdeaVerb.PAGE, page=page - 1).encode()))
    if len(found) > PAGE_SIZE:
        paging.append((t("button.more"), IdeaAction(IdeaVerb.PAGE, page=page + 1).encode()))
    if paging:
        buttons.append(paging)
    return "\n\n".join(lines), buttons


async def on_ideas(update: Update, ctx: Ctx) -> None:
    msg = update.effective_message
    assert msg is not None
    r = await resident_of(update, ctx)
    t = ctx.services.texts.lang(r.language)
    text, buttons = await _page(ctx, t, r.language, 0)
    markup = inline(buttons)
    ctx.later(
        lambda: msg.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    )


async def on_press(update: Update, ctx: Ctx) -> None:
    """Every ``i:`` button: review verbs for agents, support and pages for residents."""
    q = update.callback_query
    assert q is not None
    desk, chat = ctx.desk, update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    r = await resident_of(update, ctx) if private else None
    t = ctx.services.texts.lang(r.language if r is not None else desk.lang)
    action = decode_or_refuse(ctx, q, IdeaAction.decode, t("idea.stale_button"))
    if action is None:
        return
    if action.verb in (IdeaVerb.APPROVE, IdeaVerb.DECLINE):
        await _review(update, ctx, q, action)
        return
    if r is None:  # a resident's button, pressed anywhere but the private chat
        refusal = t("idea.stale_button")
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    note = ""
    if action.verb is IdeaVerb.SUPPORT:
        try:
            done = await ideas.toggle_support(
                ctx.session, desk, r.id, action.idea_id, ctx.services.clock()
            )
        except NotAllowed as exc:
            refusal = t(exc.key)
            ctx.later(lambda: q.answer(refusal, show_alert=True))
            return
        note = t("idea.supported" if done.supporting else "idea.withdrawn", count=done.count)
    text, buttons = await _page(ctx, t, r.language, action.page)
    markup = inline(buttons)
    ctx.later(lambda: q.answer(note or None))
    ctx.later(
        lambda: q.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    )


async def _review(update: Update, ctx: Ctx, q: CallbackQuery, action: IdeaAction) -> None:
    """An agent's Approve or Decline on a review card; core says who may."""
    user = update.effective_user
    assert user is not None
    desk, now = ctx.desk, ctx.services.clock()
    t = desk.texts.lang(desk.lang)
    by = AgentRef(user.id, user.full_name or user.first_name or str(user.id))
    try:
        if action.verb is IdeaVerb.APPROVE:
            await ideas.approve(ctx.session, desk, by, action.idea_id, now)
            verdict = t("idea.approved_by", name=escape(by.name))
        else:
            reason = t("idea.default_decline_reason")
            await ideas.decline(ctx.session, desk, by, action.idea_id, reason, now)
            verdict = t("idea.declined_by", name=escape(by.name), reason=escape(reason))
    except NotAllowed as exc:
        refusal = t("idea.not_allowed" if exc.key == "agent.not_allowed" else exc.key)
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    card = q.message.text_html if isinstance(q.message, Message) and q.message.text else ""
    ctx.later(lambda: q.answer())
    ctx.later(
        lambda: q.edit_message_text(
            f"{card}\n\n{verdict}".strip(), parse_mode=ParseMode.HTML, reply_markup=None
        )
    )
