"""Resident commands: /start (and its shared report links), /help, /language, /cancel,
/myreports, /me."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from core.callbacks import CallbackError, LanguageChoice
from core.reports import metoo
from core.reports import submit as reports
from core.residents import directory as residents
from core.residents import recognition
from core.telegram_format import escape
from core.views import ReportView
from handlers import inputs
from handlers import metoo as metoo_handlers
from handlers.buttons import decode_or_refuse
from handlers.context import Ctx
from handlers.resident import answer, bot_username, intake_of, resident_of

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
SHARED_LINKS = 10  # the newest open reports' links in /myreports (one message must hold them)


def _say(ctx: Ctx, update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    msg = inputs.message(update)
    ctx.later(
        lambda: msg.reply_text(
            text, parse_mode=ParseMode.HTML, disable_web_page_preview=True, reply_markup=markup
        )
    )


async def on_start(update: Update, ctx: Ctx) -> None:
    keys = ctx.deps.settings.link_keys
    report_id = metoo.report_of_start(ctx.args[0], keys) if ctx.args else None
    if report_id is not None:  # a report's link, shared by a neighbour
        await metoo_handlers.show(update, ctx, report_id)
        return
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    _say(ctx, update, t("start.greeting", name=escape(r.first_name or "")))
    _say(ctx, update, t("help.body"))


async def on_help(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    _say(ctx, update, ctx.deps.texts.get(r.language, "help.body"))


async def on_language(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    buttons = [
        [
            InlineKeyboardButton(
                LANGUAGE_NAMES.get(lang, lang), callback_data=LanguageChoice(lang).encode()
            )
        ]
        for lang in ctx.deps.texts.languages
    ]
    _say(
        ctx,
        update,
        ctx.deps.texts.get(r.language, "language.pick"),
        InlineKeyboardMarkup(buttons),
    )


async def on_language_choice(update: Update, ctx: Ctx) -> None:
    q = inputs.press(update)
    r = await resident_of(update, ctx)
    texts = ctx.deps.texts

    def supported(data: str) -> LanguageChoice:
        choice = LanguageChoice.decode(data)
        if choice.lang not in texts.languages:
            raise CallbackError(f"unsupported language {choice.lang!r}")
        return choice

    choice = decode_or_refuse(ctx, q, supported, texts.get(r.language, "report.stale_button"))
    if choice is None:
        return
    await residents.set_language(ctx.session, r.id, choice.lang)
    ctx.later(lambda: q.answer())
    ctx.later(lambda: q.edit_message_text(ctx.deps.texts.get(choice.lang, "language.set")))


async def on_cancel(update: Update, ctx: Ctx) -> None:
    intake = await intake_of(update, ctx)
    await answer(ctx, intake, await intake.cancel())


async def on_my_reports(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    t = ctx.deps.texts.lang(r.language)
    mine = await reports.mine(ctx.session, r.id)
    followed = await reports.followed(ctx.session, r.id)
    if not mine and not followed:
        _say(ctx, update, t("myreports.none"))
        return

    def line(rv: ReportView) -> str:
        return t(
            "myreports.line",
            ref=rv.id,
            service=escape(ctx.deps.catalogue.name(rv.service, r.language)),
            status=t(f"status.{rv.status.value}"),
            date=ctx.deps.settings.local(rv.created_at).strftime("%d/%m/%Y"),
        )

    lines = [t("myreports.title"), *map(line, mine)] if mine else []
    if followed:
        lines += ["", t("myreports.followed"), *map(line, followed)]
    bot = bot_username(ctx)
    shared = [rv.id for rv in [*mine, *followed] if rv.status.is_open][:SHARED_LINKS]
    if bot and shared:
        lines += ["", t("myreports.share")]
        lines += [
            t(
                "myreports.share_line",
                ref=i,
                link=metoo.link(bot, i, ctx.deps.settings.link_secret),
            )
            for i in shared
        ]
    _say(ctx, update, "\n".join(lines).strip())


async def on_me(update: Update, ctx: Ctx) -> None:
    r = await resident_of(update, ctx)
    done = await recognition.of_resident(ctx.session, r.id)
    _say(ctx, update, recognition.text(done, ctx.deps.texts.lang(r.language)))
