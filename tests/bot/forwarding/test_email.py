"""The SMTP client against a local SMTP server (aiosmtpd): STARTTLS with a certificate the
test makes and a login, as a town's server asks; a server that refuses for now is a failure
the worker tries again."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.config.forwarding import EmailConfig
from bot.forwarding import email
from core.integrations.forwarding import Email

MAIL = Email(("voirie@town.example",), "Signalement #7 (Voirie)", "Nid-de-poule\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Box:
    def __init__(self, refuse: int = 0) -> None:
        self.received: list[bytes] = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.refuse = refuse

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.received.append(envelope.content)
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == b"s3cret"
        if isinstance(data, LoginPassword):
            self.logins.append((data.login, data.password))
        return AuthResult(success=ok)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Controller, Box]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Box()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=box.authenticate,
        auth_required=True,
    )
    controller.start()
    yield controller, box
    controller.stop()


async def test_starttls_and_login(tls_server: tuple[Controller, Box], certificate: Any) -> None:
    controller, box = tls_server
    cfg = EmailConfig(
        host="127.0.0.1",
        port=controller.port,
        security="starttls",
        user="senscommun",
        password="s3cret",
        sender="senscommun@town.example",
        ca_file=str(certificate[0]),
    )
    await email.send(cfg, MAIL, timeout_s=10)
    assert box.logins == [(b"senscommun", b"s3cret")]
    (raw,) = box.received
    assert b"Subject: Signalement #7 (Voirie)" in raw and b"Nid-de-poule" in raw


async def test_an_untrusted_server_is_not_given_the_password(
    tls_server: tuple[Controller, Box],
) -> None:
    controller, box = tls_server
    untrusted = EmailConfig(
        host="127.0.0.1",
        port=controller.port,
        sender="sc@town.example",
        user="senscommun",
        password="s3cret",
    )  # the system's authorities only: the test's certificate is nobody's
    with pytest.raises(ssl.SSLError):
        await email.send(untrusted, MAIL, timeout_s=10)
    assert box.received == [] and box.logins == []


async def test_a_server_refusing_for_now_is_a_failure() -> None:
    box = Box(refuse=1)
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        cfg = EmailConfig(
            host="127.0.0.1", port=controller.port, security="none", sender="sc@town.example"
        )
        with pytest.raises(Exception, match="451"):
            await email.send(cfg, MAIL, timeout_s=10)
        await email.send(cfg, MAIL, timeout_s=10)  # the worker's next try
        assert len(box.received) == 1
    finally:
        controller.stop()
