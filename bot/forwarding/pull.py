"""The job that pulls statuses back from the services' external Open311 endpoints, for the
open reports forwarded there (leader only, like every job; idempotent: a status already seen
changes nothing, ``core.integrations.pulled``)."""

from __future__ import annotations

import logging
from collections import defaultdict

import aiohttp

from bot.forwarding import crm
from core.catalogue import Open311Target
from core.deps import Deps
from core.integrations import pulled
from storage import forwards

log = logging.getLogger(__name__)

#: Request ids asked at once (one GET each).
CHUNK = 50


class Puller:
    def __init__(self, timeout_s: float) -> None:
        self.timeout = timeout_s

    async def __call__(self, deps: Deps) -> int:
        async with deps.sessions() as s:
            followed = await forwards.to_pull(s)
        by_service: dict[str, list[forwards.Followed]] = defaultdict(list)
        for f in followed:
            by_service[f.service_code].append(f)
        done = 0
        async with aiohttp.ClientSession() as http:
            for service, items in by_service.items():
                target = deps.catalogue.get(service).forwarding.open311
                if target is None or service not in deps.catalogue:
                    continue
                try:
                    done += await self._service(deps, http, target, items)
                except crm.CrmError as exc:
                    log.warning("pulling statuses of %s failed: %s", service, exc)
        return done

    async def _service(
        self,
        deps: Deps,
        http: aiohttp.ClientSession,
        target: Open311Target,
        items: list[forwards.Followed],
    ) -> int:
        known: list[forwards.Followed] = []
        for f in items:
            if f.external_id.startswith("token:"):
                rid = await crm.token(http, target, f.external_id[6:], self.timeout)
                if rid is None:
                    continue
                async with deps.writing() as s:
                    await forwards.set_external_id(s, f.forward_id, rid)
                    await s.commit()
                f = forwards.Followed(f.forward_id, f.report_id, f.service_code, rid, None)
            known.append(f)
        done = 0
        for i in range(0, len(known), CHUNK):
            chunk = {f.external_id: f for f in known[i : i + CHUNK]}
            for st in await crm.statuses(http, target, list(chunk), self.timeout):
                one = chunk.get(st.service_request_id)
                if one is None:
                    continue
                async with deps.writing() as s:
                    done += await pulled.apply(s, deps, one, st.status, deps.clock())
                    await s.commit()
        return done
