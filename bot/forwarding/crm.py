"""The Open311 GeoReport v2 client of a service's external endpoint (the town's CRM): post a
report (``POST requests.json``), read statuses back (``GET requests.json``), and turn a token
into a request id (``GET tokens/{token}.json``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from core.catalogue import Open311Target


class CrmError(Exception):
    """The endpoint failed or refused; the message is safe to log (no report text, no key)."""


@dataclass(frozen=True)
class Status:
    service_request_id: str
    status: str


def _params(target: Open311Target) -> dict[str, str]:
    out = {"api_key": target.api_key} if target.api_key else {}
    if target.jurisdiction_id:
        out["jurisdiction_id"] = target.jurisdiction_id
    return out


async def _json(resp: aiohttp.ClientResponse) -> Any:
    if resp.status >= 300:
        raise CrmError(f"HTTP {resp.status}")
    try:
        return await resp.json(content_type=None)
    except ValueError:
        raise CrmError("an answer that is not JSON") from None


async def post(
    http: aiohttp.ClientSession, target: Open311Target, fields: dict[str, str], timeout_s: float
) -> str:
    """Post a request; returns the endpoint's ``service_request_id``, or ``token:<token>`` when
    it gives only a token."""
    data = {**fields, **_params(target)}
    try:
        async with http.post(
            f"{target.endpoint}/requests.json",
            data=data,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as resp:
            body = await _json(resp)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise CrmError(type(exc).__name__) from None
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    if first.get("service_request_id"):
        return str(first["service_request_id"])[:120]
    if first.get("token"):
        return "token:" + str(first["token"])[:110]
    raise CrmError("neither service_request_id nor token in the answer")


async def statuses(
    http: aiohttp.ClientSession, target: Open311Target, ids: list[str], timeout_s: float
) -> list[Status]:
    """The endpoint's status of each of ``ids`` it knows."""
    params = {"service_request_id": ",".join(ids), **_params(target)}
    try:
        async with http.get(
            f"{target.endpoint}/requests.json",
            params=params,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as resp:
            body = await _json(resp)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise CrmError(type(exc).__name__) from None
    items = body if isinstance(body, list) else []
    return [
        Status(str(i["service_request_id"]), str(i["status"]))
        for i in items
        if isinstance(i, dict) and i.get("service_request_id") and i.get("status")
    ]


async def token(
    http: aiohttp.ClientSession, target: Open311Target, tok: str, timeout_s: float
) -> str | None:
    """The request id a token stands for, once the endpoint has one."""
    try:
        async with http.get(
            f"{target.endpoint}/tokens/{tok}.json",
            params=_params(target),
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as resp:
            body = await _json(resp)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise CrmError(type(exc).__name__) from None
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    found = first.get("service_request_id")
    return str(found)[:120] if found else None
