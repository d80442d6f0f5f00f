"""The import contracts name every module they must: a new file cannot slip past them.

The layers contract names packages, so a new module is in its floor by where it lives; what
could escape is a module at the top of `tui/` (in no floor) or a store module in neither the
record types nor the store's protected machinery.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the store modules every floor may import: the record types, their cleaning and errors
STORE_PUBLIC = {"records", "profile", "errors", "text", "facts"}


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _contract(kind: str, protecting: str) -> dict[str, object]:
    for contract in _contracts():
        modules = contract.get("protected_modules", [])
        assert isinstance(modules, list)
        if contract["type"] == kind and any(str(m).startswith(protecting) for m in modules):
            return contract
    raise AssertionError(f"no {kind} contract protects {protecting}")


def test_every_store_module_is_public_or_protected() -> None:
    contract = _contract("protected", "store.")
    protected = {str(m) for m in contract["protected_modules"]}  # type: ignore[attr-defined]
    modules = {p.stem for p in (ROOT / "store").glob("*.py") if p.stem != "__init__"}
    missing = sorted(m for m in modules - STORE_PUBLIC if f"store.{m}" not in protected)
    assert missing == [], f"store modules in no contract (protect them in pyproject): {missing}"
    stale = sorted(p for p in protected if p.removeprefix("store.") not in modules)
    assert stale == [], f"protected store modules that do not exist: {stale}"
    assert contract["allowed_importers"] == ["store", "tui.services"]


def test_every_tui_module_is_in_a_floor() -> None:
    contract = next(c for c in _contracts() if c["type"] == "layers")
    layers = contract["layers"]
    assert isinstance(layers, list)
    named = {name.strip() for layer in layers for name in str(layer).replace("|", ":").split(":")}
    top = {p.stem for p in (ROOT / "tui").glob("*.py")} - {"__init__"}
    packages = {p.parent.name for p in (ROOT / "tui").glob("*/__init__.py")}
    outside = sorted(f"tui.{m}" for m in top | packages if f"tui.{m}" not in named)
    assert outside == [], f"tui modules in no layer of the layers contract: {outside}"
    assert {"tui.cli", "tui.shell", "screens", "tui.services"} <= named
