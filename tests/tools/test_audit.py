"""``make audit``'s verdict: a vulnerability fails; an unreachable service or packages it does
not know pass, said plainly; any other failure of the tool is an error."""

from __future__ import annotations

import json

import pytest

from tools.audit import describe, judge

CONNECTION = """Traceback (most recent call last):
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries
exceeded with url: /pypi/aiohttp/3.9.0/json (Caused by NameResolutionError("Failed to resolve"))"""


def _report(*deps: dict[str, object]) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


def test_a_vulnerability_fails_and_is_named_with_its_fix() -> None:
    v = judge(
        1,
        _report(
            {
                "name": "aiohttp",
                "version": "3.9.0",
                "vulns": [{"id": "GHSA-x", "fix_versions": ["3.9.2"]}],
            },
            {"name": "jinja2", "version": "3.1.6", "vulns": []},
        ),
        "",
    )
    assert v.failed and v.checked == 2
    assert describe("requirements.lock", v)[1] == "  VULNERABLE aiohttp 3.9.0: GHSA-x (fix: 3.9.2)"


def test_an_unreachable_service_is_said_plainly_and_does_not_fail() -> None:
    v = judge(1, None, CONNECTION)
    assert not v.failed and v.unreachable
    (line,) = describe("requirements.lock", v)
    assert line.startswith("requirements.lock: NOT CHECKED: the vulnerability service could not")


def test_packages_the_service_does_not_know_are_counted_not_passed_silently() -> None:
    skipped = {"name": "aiohttp", "skip_reason": "Dependency not found on PyPI"}
    v = judge(0, _report(skipped), "")
    assert not v.failed and v.unchecked == ["aiohttp"]
    assert "NOT CHECKED" in describe("requirements.lock", v)[0]
    mixed = judge(0, _report(skipped, {"name": "jinja2", "version": "3.1.6", "vulns": []}), "")
    assert "NOT CHECKED: 1 package(s)" in describe("x", mixed)[1]


def test_any_other_failure_of_the_tool_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="exit 2"):
        judge(2, None, "usage: pip-audit [-h] ...")
