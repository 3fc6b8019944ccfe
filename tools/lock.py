"""``make lock``: both lock files written anew from the venv.

``requirements.lock`` holds what ``pip install .`` alone resolves to (the runtime), pinned to
the versions installed here; ``requirements-dev.lock`` every other installed package (tests,
linters, the training models, the audit)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

RUNTIME_HEAD = (
    "# Runtime packages, pinned: what `senscommun run` needs"
    " (pip install -c requirements.lock .).\n"
    "# Regenerate with `make lock` after a change of pyproject.toml's dependencies.\n"
)
DEV_HEAD = (
    "# Development packages, pinned, on top of requirements.lock: tests, linters, the NLP\n"
    "# training models, the audit (pip install -c requirements.lock -c requirements-dev.lock"
    " -e '.[dev]').\n"
)


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_names() -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed"]
        cmd += ["--report", str(report), "-c", "requirements.lock", "."]
        subprocess.run(cmd, check=True, capture_output=True)
        data = json.loads(report.read_text(encoding="utf-8"))
    return {norm(i["metadata"]["name"]) for i in data["install"]} - {"senscommun"}


def main() -> int:
    cmd = [sys.executable, "-m", "pip", "freeze", "--exclude-editable"]
    freeze = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    pinned = sorted((ln for ln in freeze.splitlines() if "==" in ln), key=str.lower)
    runtime = runtime_names()
    rt = [ln for ln in pinned if norm(ln.split("==")[0]) in runtime]
    dev = [ln for ln in pinned if norm(ln.split("==")[0]) not in runtime]
    Path("requirements.lock").write_text(RUNTIME_HEAD + "\n".join(rt) + "\n", encoding="utf-8")
    Path("requirements-dev.lock").write_text(DEV_HEAD + "\n".join(dev) + "\n", encoding="utf-8")
    print(f"requirements.lock: {len(rt)} packages; requirements-dev.lock: {len(dev)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
