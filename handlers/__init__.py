"""Telegram adapters: parse the update, call ``core``, render the reply."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from core.catalogue import Catalogue
from handlers import (
    agent,
    commands,
    engage,
    errors,
    gate,
    ideas,
    metoo,
    moderation,
    privacy,
    questionnaire,
    report,
    stats,
    workspace,
)
from handlers.buttons import in_private

#: The commands offered in Telegram's menu, in this order (descriptions: ``command.<name>``).
COMMANDS = (
    "start",
    "help",
    "myreports",
    "me",
    "idea",
    "ideas",
    "stats",
    "subscribe",
    "surveys",
    "language",
    "cancel",
    "privacy",
)


#: The commands offered in the agents chats' menu (descriptions: ``command.agents.<name>``).
AGENT_COMMANDS = ("queue", "mine", "reply", "reopen", "stats", "dashboard")


def register(app: Application[Any, Any, Any, Any, Any, Any], catalogue: Catalogue) -> None:
    agent_chats = [s.agents_chat_id for s in catalogue if s.agents_chat_id is not None]
    in_agents_chat = filters.Chat(chat_id=agent_chats) if agent_chats else filters.Chat(chat_id=[])
    private = filters.ChatType.PRIVATE

    app.add_handler(TypeHandler(Update, gate.screen), group=-1)  # blocked, too fast, too long
    app.add_handler(CallbackQueryHandler(agent.on_action, pattern=r"^a:"))
    app.add_handler(CommandHandler("stats", stats.on_agents_stats, filters=in_agents_chat))
    app.add_handler(CommandHandler("queue", agent.on_queue, filters=in_agents_chat))
    app.add_handler(
        CommandHandler(["block", "unblock"], moderation.on_block, filters=in_agents_chat)
    )
    app.add_handler(CommandHandler("mine", workspace.on_mine, filters=in_agents_chat))
    app.add_handler(CommandHandler("reply", workspace.on_reply_command, filters=in_agents_chat))
    app.add_handler(CommandHandler("reopen", workspace.on_reopen, filters=in_agents_chat))
    in_reply = in_agents_chat & filters.REPLY
    app.add_handler(MessageHandler(in_reply & filters.TEXT & ~filters.COMMAND, workspace.on_reply))
    app.add_handler(MessageHandler(in_reply & filters.PHOTO, workspace.on_photo))
    app.add_handler(
        CommandHandler("dashboard", agent.on_dashboard, filters=private | in_agents_chat)
    )

    app.add_handler(CommandHandler("start", commands.on_start, filters=private))
    app.add_handler(CommandHandler("help", commands.on_help, filters=private))
    app.add_handler(CommandHandler("language", commands.on_language, filters=private))
    app.add_handler(CommandHandler("cancel", commands.on_cancel, filters=private))
    app.add_handler(CommandHandler("myreports", commands.on_my_reports, filters=private))
    app.add_handler(CommandHandler("me", commands.on_me, filters=private))
    app.add_handler(CallbackQueryHandler(metoo.on_press, pattern=r"^m:"))
    app.add_handler(CommandHandler("privacy", privacy.on_privacy, filters=private))
    app.add_handler(CommandHandler("stats", stats.on_stats, filters=private))
    app.add_handler(CallbackQueryHandler(in_private(privacy.on_privacy_action), pattern=r"^p:"))
    app.add_handler(CallbackQueryHandler(in_private(commands.on_language_choice), pattern=r"^l:"))
    app.add_handler(CallbackQueryHandler(in_private(privacy.on_consent), pattern=r"^c:"))
    app.add_handler(CallbackQueryHandler(questionnaire.on_press, pattern=r"^q:"))
    app.add_handler(CommandHandler("subscribe", engage.on_subscribe, filters=private))
    app.add_handler(CommandHandler("surveys", engage.on_surveys, filters=private))
    app.add_handler(CallbackQueryHandler(in_private(engage.on_topic), pattern=r"^t:"))
    app.add_handler(CallbackQueryHandler(in_private(engage.on_answer), pattern=r"^sv:"))
    app.add_handler(CommandHandler("idea", ideas.on_idea, filters=private))
    app.add_handler(CommandHandler("ideas", ideas.on_ideas, filters=private))
    app.add_handler(MessageHandler(private & filters.CONTACT, ideas.on_contact))
    app.add_handler(CallbackQueryHandler(ideas.on_press, pattern=r"^i:"))
    app.add_handler(CallbackQueryHandler(in_private(report.on_draft_action), pattern=r"^d:"))
    app.add_handler(
        CallbackQueryHandler(in_private(report.on_draft_action))
    )  # anything else is stale

    # A resident's edits are not new input (an edited description would become the address);
    # a live location's moves are edits too, and pass in silence.
    fresh, edited = filters.UpdateType.MESSAGE, filters.UpdateType.EDITED_MESSAGE
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(private & fresh & text, report.on_text))
    app.add_handler(MessageHandler(private & fresh & filters.PHOTO, report.on_photo))
    app.add_handler(MessageHandler(private & fresh & filters.LOCATION, report.on_location))
    app.add_handler(MessageHandler(private & edited & ~filters.LOCATION, report.on_edited))
    app.add_handler(MessageHandler(private & fresh & filters.COMMAND, commands.on_help))
    app.add_handler(MessageHandler(private & fresh & ~filters.COMMAND, report.on_unsupported))
    app.add_error_handler(errors.on_error)
