"""The import contracts name every module they must: a new file cannot slip past them.

The layers contract names packages, so a new module is in its floor by where it lives; what
could escape is a module at the top of `tui/` (in no floor) or a store module in neither the
record types nor the store's protected machinery.
"""

from __future__ import annotations

import ast
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


# -- the screens and the App ----------------------------------------------------------------------

#: what a screen may ask of the App: its app-wide state, and opening and closing a client (the App
#: owns the open files, their locks, takeovers and restores). Navigation is no part of it: a screen
#: pushes the next screen itself (one function per flow, next to the screen it pushes).
HOST_MEMBERS = {
    "ctx",
    "saver",
    "low_bandwidth",
    "today",
    "now",
    "clock",
    "key_gate",
    "open_client",
    "close_client",
    "warm_up",
    "lock_for_privacy",
}
#: the screens the App shows itself: the first ones, the dashboard a client opens on, the privacy
#: cover, help, its own dialogs, and the messages and the size guard it is built with
APP_SCREENS = {
    "screens.host",
    "screens.messages",
    "screens.off_ui",  # (back_on_ui: the content warm-up answers the App through it)
    "screens.too_small",
    "screens.passphrase",
    "screens.client_list",
    "screens.dashboard",
    "screens.privacy",
    "screens.help",
    "screens.dialogs.choice",
    "screens.dialogs.handed_over",
}


def _class(path: Path, name: str) -> ast.ClassDef:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def test_the_host_offers_only_what_is_app_wide() -> None:
    host = _class(ROOT / "screens" / "host.py", "Host")
    members = set()
    for node in host.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members.add(node.target.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            members.add(node.name)
    assert members == HOST_MEMBERS, "a screen navigates itself; the Host is the App's state"


def test_the_app_imports_only_the_screens_it_shows_itself() -> None:
    tree = ast.parse((ROOT / "tui" / "shell" / "app.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):  # function-local and type-checking imports too
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    modules = {p.relative_to(ROOT).with_suffix("") for p in (ROOT / "screens").rglob("*.py")}
    screens = {".".join(m.parts).removesuffix(".__init__") for m in modules}
    extra = sorted((imported & screens) - APP_SCREENS - {"screens"})
    assert extra == [], f"the App pushes screens a screen should push itself: {extra}"
    assert "screens.client_list" in imported  # the test looks where the imports are
