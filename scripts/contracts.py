"""Write (or, with --check, compare) each service's committed contracts: its OpenAPI document,
its AsyncAPI document (the event catalogue) and its part of `docs/events.md`."""

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("regions", "dealers", "advisors", "gateway")
EVENTS_DOC = ROOT / "docs" / "events.md"


def _json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(service: str) -> str:
    if service == "gateway":
        doc = importlib.import_module("gateway.app").create_app().gateway.admin_contract
    else:
        doc = importlib.import_module(f"services.{service}.app").create_app().openapi()
    return _json(doc)


def contract_path(service: str) -> Path:
    if service == "gateway":
        return ROOT / "gateway" / "openapi.json"
    return ROOT / "services" / service / "openapi.json"


def render_events(service: str) -> str:
    """The service's AsyncAPI document, from its catalogue."""
    spec = importlib.import_module(f"services.{service}.app").SPEC
    return _json(spec.catalogue.asyncapi(spec.version))


def events_path(service: str) -> Path:
    return ROOT / "services" / service / "asyncapi.json"


def render_events_doc(service: str) -> str:
    """`docs/events.md` with the service's part (between its two markers) generated from its
    catalogue; the rest of the file is prose, kept as written."""
    catalogue = importlib.import_module(f"services.{service}.app").SPEC.catalogue
    text = EVENTS_DOC.read_text(encoding="utf-8") if EVENTS_DOC.exists() else ""
    start, end = f"<!-- {service} events: generated -->\n", f"<!-- end of {service} events -->"
    before, found, rest = text.partition(start)
    if not found or end not in rest:
        raise SystemExit(f"{EVENTS_DOC} has no `{start.strip()}` ... `{end}` section")
    return before + start + "\n".join(_event_section(catalogue)) + rest[rest.index(end) :]


def _event_section(catalogue: Any) -> list[str]:
    service = catalogue.service
    lines = [
        f"The AsyncAPI document: [`services/{service}/asyncapi.json`]"
        f"(../services/{service}/asyncapi.json), served by the service at `/asyncapi.json` and by "
        f"the gateway at `/asyncapi/{service}.json`. The feed: `GET {catalogue.feed_path}` "
        f"(`{catalogue.scope}` or `{service}:events`).",
        "",
        "| type | what it means, when it is emitted | `data` | `dealer_ids` |",
        "|---|---|---|---|",
    ]
    for name, kind in catalogue.types.items():
        members = ", ".join(f"`{m}`" for m in _members(kind.members(), marked=True))
        data = f"`{kind.payload.__name__}`" + (f" + {members}" if members else "")
        scoped = "the dealers it concerns" if kind.dealer_scoped else "null"
        lines.append(f"| `{name}` | {kind.summary} | {data} | {scoped} |")
    lines += ["", "Members of each payload (types and formats in the AsyncAPI document):", ""]
    for model in sorted({k.payload for k in catalogue.types.values()}, key=lambda m: m.__name__):
        names = ", ".join(f"`{m}`" for m in _members(model))
        lines.append(f"- `{model.__name__}`: {names}.")
    return [*lines, ""]


def _members(model: type[BaseModel] | None, *, marked: bool = False) -> list[str]:
    """A model's members as `data` shows them; `marked`: `?` after one that may be absent (a
    payload model's members are always there, the members beside it may not be)."""
    if model is None:
        return []
    names = [
        (f.serialization_alias or f.alias or n) + ("?" if marked and not f.is_required() else "")
        for n, f in model.model_fields.items()
    ]
    return names + list(model.model_computed_fields)


def documents(service: str) -> list[tuple[Path, Callable[[str], str]]]:
    """What a service's contracts are: the files, and how each is rendered from the code."""
    if service == "gateway":
        return [(contract_path(service), render)]
    return [
        (contract_path(service), render),
        (events_path(service), render_events),
        (EVENTS_DOC, render_events_doc),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a contract is stale")
    parser.add_argument("services", nargs="*", default=SERVICES)
    args = parser.parse_args()
    stale = []
    for service in args.services:
        for path, make in documents(service):
            text = make(service)
            if args.check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(f"{service} ({path.name})")
            else:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"stale contracts: {', '.join(stale)}; run `make contracts`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
