"""The one place core knows Telegram's formats: its limits, its HTML, how a long text is cut.

Core renders Telegram HTML inside the transaction (a message commits with its cause), so it
must know what Telegram accepts; nothing else in core spells a limit, escapes by hand or
splits a message. Lengths are counted as Telegram counts them: after entity parsing, tags
out and entities decoded (:func:`visible_length`).
"""

from __future__ import annotations

import html
import re

#: The longest text of a message, in characters after entity parsing.
TEXT_LIMIT = 4096
#: The longest caption of a photo.
CAPTION_LIMIT = 1024
#: The longest callback data of an inline button, in bytes (UTF-8).
CALLBACK_DATA_BYTES = 64

_TAG = re.compile(r"<[^>]+>")
#: A tag, an entity, or any one character: the units a cut never goes through.
_UNIT = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")


def escape(text: str, quote: bool = True) -> str:
    """``text`` shown as it is in a message sent with the HTML parse mode."""
    return html.escape(text, quote=quote)


def plain_text(html_text: str) -> str:
    """What Telegram shows of ``html_text``: tags out, entities decoded."""
    return html.unescape(_TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """The length Telegram checks against its limits."""
    return len(plain_text(html_text))


def split(html_text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut ``html_text`` into messages of at most ``limit`` visible characters.

    A cut falls on the last line break of the second half of a message, else on its last
    space (the break or space is dropped), else, in a word longer than that, at the limit;
    never inside a tag or an entity. Tags open at a cut are closed at the end of one message
    and opened again at the start of the next, so each message is valid HTML on its own. A
    text that fits is one message, as it is.
    """
    if visible_length(html_text) <= limit:
        return [html_text]
    units = _UNIT.findall(html_text)
    widths = [0 if u.startswith("<") else len(html.unescape(u)) for u in units]
    half = max(1, limit // 2)
    pieces: list[str] = []
    opened: list[tuple[str, str]] = []  # (name, opening tag) at the start of the piece
    start = 0
    while start < len(units):
        end, width, breaks, spaces = start, 0, -1, -1
        while end < len(units) and width + widths[end] <= limit:
            if width >= half and units[end] == "\n":
                breaks = end
            elif width >= half and units[end] == " ":
                spaces = end
            width += widths[end]
            end += 1
        if end < len(units) and units[end] in ("\n", " "):  # a separator right at the limit
            breaks, spaces = (end, spaces) if units[end] == "\n" else (breaks, end)
        if end == len(units):
            cut, resume = end, end
        elif breaks >= 0:
            cut, resume = breaks, breaks + 1
        elif spaces >= 0:
            cut, resume = spaces, spaces + 1
        else:  # a word longer than the room: cut it, not after a tag it opens
            cut = end
            while cut - 1 > start and _opens(units[cut - 1]):
                cut -= 1
            resume = cut
        if cut == start:  # a limit below one character: take one unit anyway
            cut, resume = start + 1, start + 1
        body = units[start:cut]
        head = "".join(tag for _, tag in opened)
        opened = _still_open(opened, body)
        tail = "".join(f"</{name}>" for name, _ in reversed(opened))
        pieces.append(head + "".join(body) + tail)
        start = resume
    return pieces


def _opens(unit: str) -> bool:
    return unit.startswith("<") and not unit.startswith("</") and not unit.endswith("/>")


def _still_open(opened: list[tuple[str, str]], units: list[str]) -> list[tuple[str, str]]:
    """The tags open after ``units``, given those open before."""
    stack = list(opened)
    for u in units:
        m = _TAG_NAME.match(u) if u.startswith("<") and not u.endswith("/>") else None
        if m is None:
            continue
        name = m.group(1).lower()
        if not u.startswith("</"):
            stack.append((name, u))
            continue
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i]
                break
    return stack
