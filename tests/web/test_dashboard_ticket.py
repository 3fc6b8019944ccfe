"""The ticket page: its photos (served to the agents of its service only), its place on a map,
the co-reporters' count and what residents answered to the questionnaires."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sqlalchemy import select

from core.deps import Deps
from core.reports import submit as reports
from core.residents.directory import ResidentRef
from nlp.redact import redact
from storage.enums import QuestionnaireAnswer, QuestionnaireKind, QuestionnaireState
from storage.models import Photo, Questionnaire
from tests.conftest import ROADS_AGENT, WATER_AGENT
from tests.web.conftest import report, resident, serve
from tests.web.test_dashboard import SITE, log_in, shown

JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg" * 10


async def with_photo(svc: Deps, who: ResidentRef, path: Path | str) -> tuple[int, int]:
    """A report with a photo kept at ``path``: (report id, photo id)."""
    text = "Fuite d'eau, voir la photo"
    new = reports.NewReport(
        text,
        "water",
        who.language,
        "water",
        0.9,
        redacted_text=redact(text, who.language),
        lat=45.7578,
        lon=4.832,
        photo_file_id="file-1",
        photo_unique_id="uniq-1",
        photo_path=str(path),
    )
    async with svc.sessions() as s:
        rv = await reports.submit(s, svc, who, new, svc.clock())
        await s.commit()
        pid = await s.scalar(select(Photo.id).where(Photo.report_id == rv.id))
    assert pid is not None
    return rv.id, pid


async def test_photos_are_shown_to_the_services_agents_only(svc: Deps) -> None:
    media = svc.settings.media_dir
    media.mkdir(parents=True, exist_ok=True)
    (media / "uniq-1.jpg").write_bytes(JPEG)
    marie = await resident(svc, 1001)
    rid, pid = await with_photo(svc, marie, media / "uniq-1.jpg")
    async with serve(svc, **SITE) as client:
        anonymous = await client.get(f"/dashboard/photos/{pid}")
        assert anonymous.status == 401 and await anonymous.read() != JPEG  # a resident, anyone
        await log_in(client, svc, ROADS_AGENT)
        other = await client.get(f"/dashboard/photos/{pid}")
        assert other.status == 403 and await other.read() != JPEG
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)
        page = await shown(await client.get(f"/dashboard/tickets/{rid}"))
        assert f'<img src="/dashboard/photos/{pid}"' in page
        resp = await client.get(f"/dashboard/photos/{pid}")
        assert resp.status == 200 and await resp.read() == JPEG
        assert resp.headers["Content-Type"] == "image/jpeg"
        assert resp.headers["Cache-Control"] == "no-store"
        assert (await client.get("/dashboard/photos/999")).status == 404


async def test_a_path_outside_the_media_folder_is_never_read(svc: Deps, tmp_path: Path) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not for agents")
    marie = await resident(svc, 1001)
    rid, pid = await with_photo(svc, marie, secret)
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)
        page = await shown(await client.get(f"/dashboard/tickets/{rid}"))
        assert "/dashboard/photos/" not in page
        resp = await client.get(f"/dashboard/photos/{pid}")
        assert resp.status == 404 and b"not for agents" not in await resp.read()


async def test_the_place_on_a_map_and_the_questionnaires(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    rid = await report(svc, marie, "Fuite d'eau", lat=45.7578, lon=4.832)
    now = svc.clock()
    async with svc.sessions() as s:
        for answer, rating, comment in (
            (QuestionnaireAnswer.NO, 2, "Toujours là, appelez-moi au 06 12 34 56 78"),
            (None, None, None),
        ):
            s.add(
                Questionnaire(
                    report_id=rid,
                    resident_id=marie.id,
                    service_code="water",
                    kind=QuestionnaireKind.FIXED,
                    state=QuestionnaireState.ANSWERED if answer else QuestionnaireState.SENT,
                    due_at=now,
                    created_at=now,
                    sent_at=now,
                    answered_at=now if answer else None,
                    answer=answer,
                    rating=rating,
                    comment=comment,
                )
            )
        await s.commit()
    async with serve(svc, **SITE, tile_url="") as client:
        await log_in(client, svc, WATER_AGENT)
        raw = await (await client.get(f"/dashboard/tickets/{rid}")).text()
    page = html.unescape(raw)
    m = re.search(r'data-pins="([^"]*)"', raw)
    assert m is not None
    (pin,) = json.loads(html.unescape(m.group(1)))
    assert (pin["id"], pin["lat"], pin["lon"]) == (rid, 45.7578, 4.832)
    assert 'id="co-reporters">0<' in page
    table = page.split('id="questionnaires"')[1].split("</table>")[0]
    assert table.count("Est-ce réparé ?") == 2
    assert "Non" in table and "2/5" in table and "Pas encore de réponse" in table
    assert "[téléphone]" in table and "06 12 34 56 78" not in table  # the comment masked
