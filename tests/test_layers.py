"""The layering of docs/architecture.md, checked on every import of the product's code: what
each package may import, and the shape the restructuring promised (no module over 400 lines,
at most 15 modules at core's top level, no queue or lock mechanics written in core)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "handlers", "web", "core", "nlp", "storage")

#: What each package may never import (its own layer and those below are allowed).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "handlers": ("bot", "web", "storage", "sqlalchemy", "aiohttp"),
    "web": ("bot", "handlers", "storage", "telegram"),
    "core": ("bot", "handlers", "web", "telegram", "aiohttp"),
    "nlp": ("bot", "handlers", "web", "core", "storage", "sqlalchemy", "telegram"),
    "storage": ("bot", "handlers", "web", "core", "nlp", "telegram"),
}


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_it_must_not(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(package)
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert wrong == []


def test_no_module_of_the_product_is_over_400_lines() -> None:
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for package in PACKAGES
        for p in _modules(package)
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert long == []


def test_core_keeps_at_most_15_modules_at_its_top_level() -> None:
    top = [p for p in (ROOT / "core").iterdir() if p.suffix == ".py"]
    assert len(top) <= 15, sorted(p.name for p in top)


def test_queue_claims_and_locks_are_written_in_storage_only() -> None:
    words = ("skip_locked", "SKIP LOCKED", "advisory", "dialect.name")
    found = [
        f"{p.relative_to(ROOT)}: {w}"
        for package in ("core", "handlers", "web")
        for p in _modules(package)
        for w in words
        if w in p.read_text()
    ]
    assert found == []


def test_the_architecture_page_names_every_package_and_every_table() -> None:
    from storage.models import Base

    page = (ROOT / "docs" / "architecture.md").read_text()
    packages = [
        f"`{p.name}/`"
        for top in PACKAGES
        for p in (ROOT / top).iterdir()
        if (p / "__init__.py").exists() and p.name != "migrations"
    ]
    tables = [f"`{t}`" for t in Base.metadata.tables]
    missing = [name for name in [*packages, *tables] if name not in page]
    assert missing == []


def test_one_rule_in_one_place() -> None:
    """When a push may go out is decided once (``Settings.not_before``); which chat holds a
    card, once (``Catalogue.card_chat``): no use case reads a service's own chat."""
    sources = {p: p.read_text() for package in ("core", "web") for p in _modules(package)}
    not_before = [p.name for p, s in sources.items() if "def not_before" in s]
    own_chat = [
        str(p.relative_to(ROOT))
        for p, s in sources.items()
        if ".agents_chat_id" in s and p.name != "catalogue.py"
    ]
    assert not_before == ["deps.py"] and own_chat == []
