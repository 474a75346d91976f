"""Architecture rules a reader relies on."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(package: str, forbidden: set[str]) -> list[str]:
    """Every import in ``package`` of a top-level package in ``forbidden``, as "path: module"."""
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in forbidden]
    return offenders


def test_inventory_db_never_imports_rasa() -> None:
    assert imports_of("inventory_db", {"rasa", "rasa_sdk", "actions"}) == []


def test_inventory_db_imports_nothing_above_it() -> None:
    """The store is a service layer: the assistant, the channels, the trainers' tools, the owner's
    side and the servers all call it; it calls none of them (its settings read the environment)."""
    above = {"actions", "channels", "nlu_components", "nlu_inbox", "owner", "serving"}
    assert imports_of("inventory_db", above) == []


def test_the_owner_package_sits_on_the_store() -> None:
    """owner/ (shopctl, later the dashboard) uses the store, the language rules and the trainers'
    inbox; never the assistant's code or Rasa, so the owner's tools start without loading a model."""
    assert imports_of("owner", {"rasa", "rasa_sdk", "actions", "channels", "nlu_components", "serving"}) == []


def test_only_the_servers_import_the_owner_package() -> None:
    """Nothing the assistant runs on depends on the owner's side; serving/ reads the Rasa API's secret name there."""
    layers = ("shoplang", "inventory_db", "actions", "channels", "nlu_components", "nlu_inbox")
    assert [offender for layer in layers for offender in imports_of(layer, {"owner"})] == []


def test_shoplang_is_the_bottom_layer() -> None:
    """Language rules and log masking, used by every other layer and both servers: they import none of them."""
    above = {"rasa", "rasa_sdk", "sanic", "sqlalchemy", "actions", "channels", "inventory_db", "nlu_components"}
    assert imports_of("shoplang", above | {"nlu_inbox", "owner", "serving"}) == []


def test_only_the_servers_start_up_imports_serving() -> None:
    """serving/ holds entry points (python -m serving.…): nothing in the assistant depends on them."""
    layers = ("shoplang", "inventory_db", "actions", "channels", "nlu_components", "nlu_inbox", "owner")
    assert [offender for layer in layers for offender in imports_of(layer, {"serving"})] == []


def test_responses_exist_in_both_languages() -> None:
    import re

    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variations in domain["responses"].items():
        if all(re.fullmatch(r"\{\w+\}", v["text"]) for v in variations):
            continue  # text supplied whole by the action, e.g. from the shop policy file
        default = [v for v in variations if not v.get("condition")]
        english = [v for v in variations if v.get("condition") == [{"type": "slot", "name": "language", "value": "en"}]]
        assert default and english, name
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in v["text"]) for v in default), name
        assert all(not any("\u0600" <= ch <= "\u06ff" for ch in v["text"]) for v in english), name
