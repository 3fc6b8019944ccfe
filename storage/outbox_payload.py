"""What an outbox row says, typed: the one place that knows the keys of its JSON column.

Writers build an :class:`OutboxPayload` and store ``to_json()``; readers (the outbox worker,
the questionnaire's reply lookup) get one back with ``from_json()``. The stored shape is the
one rows already queued have: a row written before an upgrade is read as it was meant, and
a payload emptied by an erasure (``{}``) still reads (an empty text, nothing else).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: One inline button: (label, callback data).
Button = tuple[str, str]
#: Rows of inline buttons, as stored (immutable).
ButtonRows = tuple[tuple[Button, ...], ...]


def button_rows(rows: Iterable[Sequence[Any]]) -> ButtonRows:
    """Rows of (label, data) pairs, whatever sequences they come in (JSON gives lists)."""
    return tuple(tuple((str(b[0]), str(b[1])) for b in row) for row in rows)


@dataclass(frozen=True)
class OutboxPayload:
    """The message itself; who gets it, why and about what are the row's columns.

    ``buttons`` is ``None`` when the message has none to set, ``()`` when an edit takes them
    all away (a declined idea's card: nothing left to press).
    """

    text: str
    html: bool = True  # Telegram's HTML parse mode
    buttons: ButtonRows | None = None
    photo: str | None = None  # a Telegram file id: sendPhoto, ``text`` as its caption
    reply_to_card: bool = False  # a reply to the latest card of the row's report in that chat
    force_reply: bool = False  # a prompt whose answer is the reply to it
    idea_card: int | None = None  # an EDIT_CARD of this idea's review card (not a report's)
    pin: bool | None = None  # pin (True) or unpin (False) the message once delivered
    expires_at: datetime | None = None  # a campaign's: not sent after this
    questionnaire_id: int | None = None  # the questionnaire a reply to the message answers
    #: An edit of a card sent with a photo that is no longer ours (its resident erased her
    #: data): editMessageCaption, since Telegram refuses a text edit of a photo.
    caption_only: bool = False

    def to_json(self) -> dict[str, Any]:
        """The column's value: only the keys that say something, as the rows already stored."""
        out: dict[str, Any] = {"text": self.text, "html": self.html}
        if self.buttons is not None:
            out["buttons"] = [[list(b) for b in row] for row in self.buttons]
        if self.photo:
            out["photo"] = self.photo
        if self.reply_to_card:
            out["reply_to_card"] = True
        if self.force_reply:
            out["force_reply"] = True
        if self.idea_card is not None:
            out["idea_card"] = self.idea_card
        if self.pin is not None:
            out["pin"] = self.pin
        if self.expires_at is not None:
            out["expires_at"] = self.expires_at.isoformat()
        if self.questionnaire_id is not None:
            out["questionnaire_id"] = self.questionnaire_id
        if self.caption_only:
            out["caption_only"] = True
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> OutboxPayload:
        """Read a stored payload, including those written before this codec existed."""
        buttons = raw.get("buttons")
        rows = None if buttons is None else button_rows(buttons)
        if raw.keys() <= _PLAIN:  # most rows (a campaign's thousands): read on the worker's path
            return cls(str(raw.get("text") or ""), bool(raw.get("html")), rows)
        pin = raw.get("pin")
        expires = raw.get("expires_at")
        return cls(
            text=str(raw.get("text") or ""),
            html=bool(raw.get("html")),
            buttons=rows,
            photo=str(raw["photo"]) if raw.get("photo") else None,
            reply_to_card=bool(raw.get("reply_to_card")),
            force_reply=bool(raw.get("force_reply")),
            idea_card=_int(raw.get("idea_card")),
            pin=None if pin is None else bool(pin),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            questionnaire_id=_int(raw.get("questionnaire_id")),
            caption_only=bool(raw.get("caption_only")),
        )


_PLAIN = frozenset({"text", "html", "buttons"})


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
