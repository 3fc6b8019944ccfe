"""The error handler: a failed update fails its unit of work, and nobody sees a traceback."""

from __future__ import annotations

import logging

from telegram import Update

from core.unit import current_unit
from handlers.context import Ctx

log = logging.getLogger(__name__)


async def on_error(update: object, ctx: Ctx) -> None:
    # PTB's process_update swallows exceptions after calling us: record it so the inbox
    # worker rolls the unit back and retries the update later.
    try:
        current_unit().error = ctx.error
    except RuntimeError:
        log.error("error outside a unit of work: %r", ctx.error)
    uid = update.update_id if isinstance(update, Update) else None
    log.warning("update %s failed: %s", uid, type(ctx.error).__name__)
