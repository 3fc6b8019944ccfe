"""What residents choose to receive: /subscribe (broadcast topics), /surveys (on or off), and
their answers to a survey's question."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from core.callbacks import ConsentChoice, SurveyAnswerChoice, TopicToggle
from core.engagement import subscriptions, surveys
from core.i18n import Translate
from core.messages import Buttons
from core.residents.directory import ResidentRef
from core.telegram_format import escape
from handlers import inputs
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.render import inline
from handlers.resident import resident_of


async def _topic_buttons(ctx: Ctx, r: ResidentRef) -> Buttons:
    mine = await subscriptions.of_resident(ctx.session, r.id)
    return [
        [(("✅ " if t.code in mine else "") + t.name(r.language), TopicToggle(t.code).encode())]
        for t in ctx.deps.topics
    ]


async def on_subscribe(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    msg = inputs.message(update)
    if not ctx.deps.topics:
        ctx.later(lambda: msg.reply_text(t("subscribe.none")))
        return
    markup = inline(await _topic_buttons(ctx, r))
    ctx.later(lambda: msg.reply_text(t("subscribe.intro"), reply_markup=markup))


async def on_topic(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    choice = decode_or_refuse(ctx, q, TopicToggle.decode, t("report.stale_button"))
    if choice is None:
        return
    topic = ctx.deps.topic(choice.topic)
    if topic is None:  # a topic removed from the config since the buttons were sent
        ctx.later(lambda: q.answer(t("report.stale_button"), show_alert=True))
        return
    on = await subscriptions.toggle(ctx.session, r.id, topic.code, ctx.deps.clock())
    note = t("subscribe.done_on" if on else "subscribe.done_off", topic=topic.name(r.language))
    markup = inline(await _topic_buttons(ctx, r))
    ctx.later(lambda: q.answer(note))
    ctx.later(lambda: q.edit_message_reply_markup(reply_markup=markup))


def surveys_buttons(t: Translate, on: bool) -> Buttons:
    if on:
        return [[(t("button.surveys_stop"), ConsentChoice("surveys", False).encode())]]
    return [[(t("button.surveys_start"), ConsentChoice("surveys", True).encode())]]


async def on_surveys(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    msg = inputs.message(update)
    on = await surveys.consent_of(ctx.session, r.id)
    markup = inline(surveys_buttons(t, on))
    ctx.later(lambda: msg.reply_text(t("surveys.on" if on else "surveys.off"), reply_markup=markup))


async def on_answer(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    chat = update.effective_chat
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    choice = decode_or_refuse(ctx, q, SurveyAnswerChoice.decode, t("survey.not_yours"))
    if choice is None or chat is None:
        return
    try:
        sv = await surveys.answer(ctx.session, r.id, chat.id, choice, ctx.deps.clock())
    except surveys.AnswerRefused as refused:
        refusal = t(refused.key)
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return
    question = str(sv.question.get(r.language) or next(iter(sv.question.values())))
    label = surveys.label_of(sv, choice.value, r.language, t)
    done = t("survey.answered", question=escape(question), answer=escape(label))
    thanks = t("survey.thanks")
    ctx.later(lambda: q.answer(thanks))
    ctx.later(lambda: q.edit_message_text(done, parse_mode=ParseMode.HTML))
