"""The contracts declare what the answers carry, and the answers carry it: problem documents
with typed error items, `ETag`, `Location`, `Idempotency-Key` and `Idempotent-Replayed` in every
service's contract; rate-limit headers and the 429 problem in the merged one."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("regions", "dealers", "advisors")


def contract(name: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / "services" / name / "openapi.json").read_text()))


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, m, op) for path, ops in doc["paths"].items() for m, op in ops.items()]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_declares_the_chassis_headers(name: str) -> None:
    doc = contract(name)
    problem = doc["components"]["schemas"]["Problem"]
    assert {"field", "errors"} <= problem["properties"].keys()
    item = doc["components"]["schemas"]["ErrorItem"]
    assert {"pointer", "detail"} <= set(item["required"])
    for path, method, op in operations(doc):
        if method == "post" and not path.endswith("-events"):
            names = {p["name"].lower() for p in op.get("parameters", [])}
            assert "idempotency-key" in names, (method, path)
            ok = next(r for s, r in op["responses"].items() if s.startswith("2"))
            assert "Idempotent-Replayed" in ok.get("headers", {}), (method, path)
        created = op["responses"].get("201")
        if created is not None and path.count("/") == 2:
            assert "Location" in created.get("headers", {}), (method, path)
    by_id = [op for path, m, op in operations(doc) if m == "get" and path.count("/") == 3]
    records = [op for op in by_id if "version" in answered_fields(doc, op["responses"]["200"])]
    assert records and all("ETag" in op["responses"]["200"]["headers"] for op in records)


def answered_fields(doc: dict[str, Any], response: dict[str, Any]) -> set[str]:
    ref = response["content"]["application/json"]["schema"].get("$ref", "")
    return set(doc["components"]["schemas"].get(ref.rsplit("/")[-1], {}).get("properties", {}))


def test_the_merged_contract_declares_rate_limits() -> None:
    merged = json.loads(create_app().gateway.openapi)
    for path, method, op in operations(merged):
        if "security" not in op:
            continue
        too_many = op["responses"]["429"]
        assert "Retry-After" in too_many["headers"], (method, path)
        assert "application/problem+json" in too_many["content"], (method, path)
        ok = [r for s, r in op["responses"].items() if s.startswith("2")]
        assert all("RateLimit" in r["headers"] for r in ok), (method, path)


async def test_a_created_record_is_located_where_it_is_read(regions: httpx.AsyncClient) -> None:
    r = await regions.post("/v1/regions", json={"code": "510000", "name": "四川省"})
    assert r.status_code == 201
    assert r.headers["location"] == f"/v1/regions/{r.json()['id']}"
    assert (await regions.get(r.headers["location"])).status_code == 200
    assert r.headers["etag"] == '"v1"'
