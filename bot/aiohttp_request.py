"""PTB's HTTP layer on aiohttp instead of httpx.

The worker spends a large share of its time sending replies; aiohttp (already the web server)
does the same request for about half the CPU of httpx. PTB documents ``BaseRequest`` as the
place to swap the HTTP library; this one keeps PTB's error mapping (TimedOut, NetworkError).
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


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
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        data: aiohttp.FormData | dict[str, str] | None = None
        if files:
            form = aiohttp.FormData()
            for name, value in (request_data.json_parameters if request_data else {}).items():
                form.add_field(name, value)
            for name, file in files.items():
                filename, content, mime = file
                form.add_field(name, content, filename=filename, content_type=mime)
            data = form
        elif request_data is not None:
            data = request_data.json_parameters
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
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
