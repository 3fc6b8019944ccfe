"""/block and /unblock in an agents chat: an administrator blocks a report's author (core says
who may: ``core.residents.moderation``)."""

from __future__ import annotations

from telegram import Update

from core.actors import NotAllowed
from core.residents import moderation
from handlers import inputs
from handlers.context import Ctx, agent_of


async def on_block(update: Update, ctx: Ctx) -> None:
    _, msg = inputs.user_message(update)
    deps = ctx.deps
    t = deps.texts.lang(deps.lang)
    words = (msg.text or "").split()
    on = words[0].lstrip("/").split("@")[0] == "block" if words else True
    ref = words[1] if len(words) == 2 else ""
    by = agent_of(update)
    if by.telegram_user_id not in deps.settings.administrators:
        say = t("moderation.not_admin")
    elif not ref.startswith("#") and not ref.isdigit():
        say = t("moderation.block_usage")
    else:
        ref = "#" + ref.lstrip("#")  # agents name reports, not residents
        try:
            resident_id = await moderation.resident_of(ctx.session, ref)
            if resident_id is None:
                raise NotAllowed("moderation.unknown")
            done = await moderation.block(
                ctx.session, deps.settings.administrators, by, resident_id, deps.clock(), on=on
            )
            key = "moderation.blocked" if on else "moderation.unblocked"
            say = t(key, ref=ref) if done.changed else t("moderation.unchanged")
        except NotAllowed as exc:
            say = t(exc.key)
    ctx.later(lambda: msg.reply_text(say))
