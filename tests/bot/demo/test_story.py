"""``make demo``: the scripted story runs end to end and its transcript tells it."""

from __future__ import annotations

from bot.demo.story import run_demo


async def test_the_demo_tells_the_whole_story() -> None:
    lines: list[str] = []
    api = await run_demo(lines.append, nlp="keywords")
    transcript = "\n".join(lines)
    assert "🤖 → Marie: Merci ! Votre signalement #1" in transcript
    assert "🤖 → Marie: Votre signalement #1 (Eau) est maintenant : résolu." in transcript
    assert "Statut : résolu (par Paul Agent)" in transcript  # the card, updated
    told = transcript.index("🤖 → Marie: Votre signalement #1 (Eau) est maintenant : résolu.")
    asked = transcript.index("🤖 → Marie: Votre signalement #1 (Eau) a été marqué comme résolu")
    assert told < asked  # "resolved", then "is it fixed?"
    assert "Merci pour votre note (5/5)" in transcript
    assert "Commentaire de Marie sur le #1 (note 5/5)" in transcript  # the agents read it
    assert "🤖 → Marie: 💡 Merci ! Votre idée #1" in transcript
    published = next(line for line in lines if "Publiée par Paul Agent" in line)
    assert "card updated in agents group: 💡 Idée #1" in published and "[prévue]" in published
    assert "🤖 → John: 💡 The town's answer on idea #1" in transcript
    assert "🤖 → Marie: 💡 Réponse de la ville sur l'idée #1" in transcript
    assert "Inscrite au budget 2027" in transcript
    # Someone may be in danger: the numbers first, then the usual questions; the card says why.
    alert = transcript.index("🤖 → John: ⚠️")
    assert "112 (emergency)" in transcript[alert : transcript.index("\n", alert)]
    assert alert < transcript.index("🤖 → John: This looks like a report for")
    assert "🤖 → agents group: ⚠️ URGENT (gaz) #2" in transcript[alert:]
    assert api.of("pinChatMessage")
    assert not api.of("sendMessage", 0)  # nothing went astray
