"""The keys a process uses: from the configuration when it names them, else those stored in the
database (``storage.secrets``), made at the first start.

- Report links: ``security.link_secret`` signs and ``security.old_link_secrets`` are still
  accepted; without them, the stored key signs and its older versions are accepted. Keys stored
  before a key was configured stay accepted, so links already shared keep working.
- The webhook's secret: ``webhook.secret_token``, else (webhook mode) a stored one, the same for
  every process and across restarts.

Every secret in use is registered with ``storage.scrub``: no error stored or logged holds one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.config.settings import Config
from core.deps import Deps
from storage import scrub, secrets


@dataclass(frozen=True)
class Keys:
    #: Link keys, the newest (the one that signs) first.
    link: tuple[bytes, ...]
    #: The secret Telegram sends with each webhook request ("" in polling mode).
    webhook_secret: str


async def load(deps: Deps, config: Config) -> Keys:
    """The keys of this process, stored keys made if needed (one short transaction)."""
    sec = config.security
    hooked = config.telegram.mode == "webhook"
    now = deps.clock()
    async with deps.writing() as s:
        if sec.link_secret:
            stored = await secrets.values(s, secrets.LINK)
            link = [sec.link_secret, *sec.old_link_secrets, *stored]
        else:
            link = await secrets.ensure(s, secrets.LINK, now)
        hook = config.webhook.secret_token
        if hooked and not hook:
            hook = (await secrets.ensure(s, secrets.WEBHOOK, now))[0]
        await s.commit()
    for value in (config.telegram.token, hook, *link):
        scrub.register(value)
    return Keys(tuple(dict.fromkeys(k.encode() for k in link)), hook)


def apply(deps: Deps, keys: Keys) -> None:
    """Sign and check report links with ``keys`` from now on."""
    deps.settings = dataclasses.replace(
        deps.settings, link_secret=keys.link[0], old_link_secrets=keys.link[1:]
    )
