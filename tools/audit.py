"""``make audit``: the pinned versions of each lock file against known vulnerabilities
(pip-audit), with a verdict CI can trust.

- a vulnerability found: each one named, with the versions that fix it; exit 1;
- the vulnerability service cannot be reached (offline, name resolution, timeouts): said
  plainly, NOT CHECKED, exit 0: a network outage is not a reason to fail CI;
- packages the service does not know (a local mirror, a package outside PyPI): counted and
  named, NOT CHECKED for those, exit 0 (pip-audit alone prints "No known vulnerabilities").

Usage: ``python -m tools.audit requirements.lock [requirements-dev.lock ...]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Words of an error that means the service was not reached (requests' and urllib3's).
UNREACHABLE = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Failed to resolve",
    "Network is unreachable",
    "Connection refused",
    "SSLError",
)


@dataclass
class Verdict:
    vulnerable: list[str] = field(default_factory=list)  # "name version: ID (fix: ...)"
    unchecked: list[str] = field(default_factory=list)  # "name version"
    unreachable: str = ""  # why the service was not reached
    checked: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.vulnerable)


def judge(returncode: int, report: str | None, stderr: str) -> Verdict:
    """What one pip-audit run means, from its exit code, its JSON report and its errors."""
    if report:
        data: dict[str, Any] = json.loads(report)
        v = Verdict()
        for dep in data.get("dependencies", []):
            name, version = dep.get("name", "?"), dep.get("version", "")
            if dep.get("skip_reason"):
                v.unchecked.append(name)
                continue
            v.checked += 1
            for vuln in dep.get("vulns", []):
                fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
                v.vulnerable.append(f"{name} {version}: {vuln.get('id', '?')} (fix: {fixes})")
        return v
    if returncode != 0 and any(word in stderr for word in UNREACHABLE):
        last = next((ln for ln in reversed(stderr.splitlines()) if ln.strip()), "")
        return Verdict(unreachable=last[:300])
    raise RuntimeError(f"pip-audit failed (exit {returncode}): {stderr.strip()[-500:]}")


def run(lock: Path) -> Verdict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--requirement",
                str(lock),
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(out),
                "--timeout",
                "20",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        report = out.read_text(encoding="utf-8") if out.exists() else None
    return judge(done.returncode, report or None, done.stderr)


def describe(lock: str, v: Verdict) -> list[str]:
    if v.unreachable:
        return [
            f"{lock}: NOT CHECKED: the vulnerability service could not be reached ({v.unreachable})"
        ]
    if v.unchecked and not v.checked:
        return [
            f"{lock}: NOT CHECKED: the vulnerability service knew none of its "
            f"{len(v.unchecked)} packages (offline, or a mirror without advisories)"
        ]
    lines = [f"{lock}: {v.checked} package(s) checked, {len(v.vulnerable)} vulnerability(ies)"]
    lines += [f"  VULNERABLE {x}" for x in v.vulnerable]
    if v.unchecked:
        shown = ", ".join(v.unchecked[:8]) + (" ..." if len(v.unchecked) > 8 else "")
        lines.append(
            f"  NOT CHECKED: {len(v.unchecked)} package(s) unknown to the service "
            f"(offline mirror, or not on PyPI): {shown}"
        )
    return lines


def main(argv: list[str]) -> int:
    failed = False
    for lock in argv or ["requirements.lock"]:
        v = run(Path(lock))
        print("\n".join(describe(lock, v)))
        failed = failed or v.failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
