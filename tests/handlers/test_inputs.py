"""Typed inputs: what a filter promised, or a refusal the inbox sets aside (never an assert,
which ``python -O`` would strip)."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.demo.simulate import Person, UpdateFactory
from handlers import inputs

f = UpdateFactory()
ANA = Person(3001, "Ana")


def test_a_press_and_a_message_are_taken_from_their_updates() -> None:
    pressed = Update.de_json(f.press(ANA, f.private(ANA), 5, "x:1"), None)
    said = Update.de_json(f.text(ANA, "bonjour"), None)
    assert inputs.press(pressed).data == "x:1"
    user, msg = inputs.user_message(said)
    assert user.id == ANA.user_id and msg.text == "bonjour"


def test_an_update_without_what_the_filter_promised_is_refused_as_bad_input() -> None:
    bare = Update(update_id=1)
    for take in (inputs.press, inputs.message, inputs.user, inputs.user_message):
        with pytest.raises(ValueError):
            take(bare)
