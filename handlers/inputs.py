"""Typed inputs: what a handler's filter promised, taken from the update or refused.

A handler is registered with filters that guarantee its update's shape (a button press, a
message from a user). Should an update come without it anyway, :class:`UnexpectedUpdate` (a
``ValueError``) sets it aside like any input the bot cannot read: counted, then answered with
an apology, never a crash of the worker and never a traceback to the resident.
"""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update, User


class UnexpectedUpdate(ValueError):
    """The update lacks what the handler's filter promised."""


def press(update: Update) -> CallbackQuery:
    """The button press of a callback-query update."""
    if update.callback_query is None:
        raise UnexpectedUpdate("no callback query")
    return update.callback_query


def message(update: Update) -> Message:
    """The message of a message update."""
    if update.effective_message is None:
        raise UnexpectedUpdate("no message")
    return update.effective_message


def user(update: Update) -> User:
    """Who sent the update."""
    if update.effective_user is None:
        raise UnexpectedUpdate("no user")
    return update.effective_user


def user_message(update: Update) -> tuple[User, Message]:
    """Who wrote, and what: a message from a user."""
    return user(update), message(update)
