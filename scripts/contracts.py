"""Write (or, with --check, compare) each service's committed OpenAPI contract."""

import argparse
import importlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("regions", "dealers", "advisors", "gateway")


def render(service: str) -> str:
    if service == "gateway":
        doc = importlib.import_module("gateway.app").create_app().gateway.admin_contract
    else:
        doc = importlib.import_module(f"services.{service}.app").create_app().openapi()
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def contract_path(service: str) -> Path:
    if service == "gateway":
        return ROOT / "gateway" / "openapi.json"
    return ROOT / "services" / service / "openapi.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a contract is stale")
    parser.add_argument("services", nargs="*", default=SERVICES)
    args = parser.parse_args()
    stale = []
    for service in args.services:
        text, path = render(service), contract_path(service)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(service)
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"stale contracts: {', '.join(stale)}; run `make contracts`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
