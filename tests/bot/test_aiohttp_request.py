"""PTB's HTTP layer on aiohttp: requests as PTB builds them, errors as PTB names them."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.aiohttp_request import AiohttpRequest
from handlers.failures import retry_after_seconds


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, object]]]]:
    seen: list[dict[str, object]] = []

    async def echo(request: web.Request) -> web.Response:
        fields: dict[str, object]
        if request.content_type == "application/json":
            fields = dict(await request.json())
        else:
            form = await request.post()
            fields = {
                k: (v.file.read() if isinstance(v, web.FileField) else v) for k, v in form.items()
            }
        seen.append(
            {
                "method": request.method,
                "agent": request.headers["User-Agent"],
                "type": request.content_type,
                **fields,
            }
        )
        return web.json_response({"ok": True, "result": True})

    async def refuse(request: web.Request) -> web.Response:
        status = int(request.match_info["status"])
        answer: dict[str, object] = {"ok": False, "error_code": status, "description": "no"}
        if status == 429:
            answer["parameters"] = {"retry_after": 3}
        return web.json_response(answer, status=status)

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.5)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/slow", slow)
    app.router.add_post("/refuse/{status}", refuse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_form_fields_and_files_reach_the_server(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base, seen = server
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("photo", InputFile(b"\x89PNG...", filename="p.png")),
        ]
    )
    text = RequestData([RequestParameter.from_input("text", "été")])
    async with AiohttpRequest() as req:
        status, body = await req.do_request(f"{base}/echo", "POST", data)
        plain = await req.post(f"{base}/echo", text)
    assert status == 200 and b'"ok": true' in body and plain is True
    assert seen[0]["chat_id"] == "42" and seen[0]["photo"] == b"\x89PNG..."
    assert seen[1]["text"] == "été" and "python-telegram-bot" in str(seen[1]["agent"])
    assert seen[1]["type"] == "application/json"  # no file: a JSON body


async def test_post_json_returns_the_result_or_ptbs_exception(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base, seen = server
    markup = {"inline_keyboard": [[{"text": "Oui", "callback_data": "sv:1:y"}]]}
    async with AiohttpRequest() as req:
        assert await req.post_json(f"{base}/echo", {"chat_id": 7, "reply_markup": markup}) is True
        with pytest.raises(RetryAfter) as ra:
            await req.post_json(f"{base}/refuse/429", {"chat_id": 7})
        with pytest.raises(Forbidden):
            await req.post_json(f"{base}/refuse/403", {"chat_id": 7})
        with pytest.raises(BadRequest):
            await req.post_json(f"{base}/refuse/400", {"chat_id": 7})
        with pytest.raises(NetworkError):
            await req.post_json(f"{base}/refuse/500", {"chat_id": 7})
    assert seen[0]["reply_markup"] == markup and seen[0]["chat_id"] == 7
    assert retry_after_seconds(ra.value) == 3


async def test_a_slow_answer_is_timed_out(server: tuple[str, list[dict[str, object]]]) -> None:
    base, _ = server
    async with AiohttpRequest(read_timeout=0.05) as req:
        with pytest.raises(TimedOut):
            await req.do_request(f"{base}/slow", "POST")


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: nobody listens
    async with AiohttpRequest() as req:
        with pytest.raises(NetworkError):
            await req.do_request(f"http://127.0.0.1:{port}/x", "POST")


async def test_an_uninitialised_request_says_so() -> None:
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "POST")
