"""PTB's HTTP layer on aiohttp instead of httpx.

The worker spends a large share of its time sending replies; aiohttp (already the web server)
does the same request for about half the CPU of httpx. PTB documents ``BaseRequest`` as the
place to swap the HTTP library; this one keeps PTB's error mapping (TimedOut, NetworkError).
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData

from handlers.failures import reply_pause, with_retries

JSON_HEADERS = {"Content-Type": "application/json"}


def telegram_error(status: int, answer: dict[str, Any]) -> TelegramError:
    """The exception PTB raises for this error answer."""
    message = str(answer.get("description") or f"HTTP {status}")
    params = answer.get("parameters") or {}
    if params.get("migrate_to_chat_id"):
        return ChatMigrated(int(params["migrate_to_chat_id"]))
    if params.get("retry_after"):
        return RetryAfter(int(params["retry_after"]))
    if status == 403:
        return Forbidden(message)
    if status in (401, 404):
        return InvalidToken(message)
    if status == 400:
        return BadRequest(message)
    return NetworkError(message)


def _value(given: object, default: float | None) -> float | None:
    if isinstance(given, DefaultValue):
        return default
    return given if isinstance(given, int | float) else None


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session; timeouts default to PTB's (5 s each, 20 s for uploads)."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 10.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        args = (url, method, request_data, read_timeout, write_timeout, connect_timeout)
        pause = reply_pause()
        if pause is None:
            return await self._do_request(*args, pool_timeout)

        async def once() -> tuple[int, bytes]:
            # A direct reply's call: a 429 or a 5xx is raised here, to be tried again.
            status, payload = await self._do_request(*args, pool_timeout)
            if status == 429 or status >= 500:
                raise telegram_error(status, self.parse_json_payload(payload))
            return status, payload

        return await with_retries(once, pause)

    async def _do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        read_timeout: object,
        write_timeout: object,
        connect_timeout: object,
        pool_timeout: object,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            form = aiohttp.FormData()
            for name, value in (request_data.json_parameters if request_data else {}).items():
                form.add_field(name, value)
            for name, file in files.items():
                filename, content, mime = file
                form.add_field(name, content, filename=filename, content_type=mime)
            data = form
        elif request_data is not None:
            # A JSON body (the Bot API takes one for every method): cheaper than a form, and
            # nested objects (reply_markup) stay objects.
            data = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers = JSON_HEADERS
        write = _value(write_timeout, self._media_write if files else self._write)
        read = _value(read_timeout, self._read)
        connect = _value(connect_timeout, self._connect)
        pool = _value(pool_timeout, self._pool)
        # aiohttp's connect timeout covers waiting for a pooled connection too.
        waiting = None if connect is None and pool is None else (connect or 0) + (pool or 0)
        # aiohttp has no write timeout: an upload is bounded as a whole instead.
        total = None
        if files and write is not None and read is not None:
            total = (waiting or 0) + write + read
        timeout = aiohttp.ClientTimeout(total=total, connect=waiting, sock_read=read)
        return await self._call(method, url, data, headers, timeout)

    async def _call(
        self,
        method: str,
        url: str,
        data: aiohttp.FormData | bytes | None,
        headers: dict[str, str] | None,
        limits: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=limits
            ) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    async def post_json(self, url: str, params: dict[str, Any]) -> Any:
        pause = reply_pause()
        if pause is None:
            return await self._post_json(url, params)
        return await with_retries(lambda: self._post_json(url, params), pause)

    async def _post_json(self, url: str, params: dict[str, Any]) -> Any:
        """POST ``params`` (already in the Bot API's shape) as a JSON body; returns the answer's
        ``result``, or raises PTB's exception for an error answer (the same mapping as
        ``BaseRequest``: RetryAfter, Forbidden, BadRequest...).

        The outbox's fast path for plain messages: at a thousand messages a second, building
        PTB objects for each message and for each answer was most of the worker's time.
        """
        timeout = aiohttp.ClientTimeout(
            total=None, connect=(self._connect or 0) + (self._pool or 0), sock_read=self._read
        )
        body = json.dumps(params, ensure_ascii=False).encode()
        status, raw = await self._call("POST", url, body, JSON_HEADERS, timeout)
        answer = self.parse_json_payload(raw)
        if 200 <= status <= 299:
            return answer.get("result")
        raise telegram_error(status, answer)
