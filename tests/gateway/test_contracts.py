"""The routing table and the merged contract are derived from the services' committed contracts."""

import pytest

from gateway.contracts import (
    RoutingConflict,
    all_scopes,
    collection_of,
    load_contracts,
    merged_openapi,
    routing_table,
)
from gateway.settings import CONTRACTS_DIR


def test_every_collection_has_one_owner() -> None:
    table = routing_table(load_contracts(CONTRACTS_DIR))
    assert table["regions"] == "regions"
    assert table["region-events"] == "regions"
    assert table["dealers"] == "dealers"
    assert table["advisors"] == "advisors"


def test_a_collection_claimed_twice_is_refused() -> None:
    doc = {"paths": {"/v1/regions": {}, "/v1/regions/{id}": {}}}
    with pytest.raises(RoutingConflict, match="regions"):
        routing_table({"regions": doc, "dealers": {"paths": {"/v1/regions/x": {}}}})


@pytest.mark.parametrize(
    ("path", "segment"),
    [
        ("/v1/regions", "regions"),
        ("/v1/regions/1/x", "regions"),
        ("/v2/regions", None),
        ("/healthz", None),
        ("/v1/", None),
        ("/v1", None),
    ],
)
def test_collection_of(path: str, segment: str | None) -> None:
    assert collection_of(path) == segment


def test_merged_contract_lists_every_service_and_keeps_refs_valid() -> None:
    contracts = load_contracts(CONTRACTS_DIR)
    merged = merged_openapi(contracts, title="t", version="1")
    assert {"/v1/regions", "/v1/dealers", "/v1/advisors"} <= merged["paths"].keys()
    assert "/healthz" not in merged["paths"]
    schemas = merged["components"]["schemas"]
    refs = _refs(merged["paths"]) | _refs(schemas)
    assert refs and all(ref.rsplit("/", 1)[-1] in schemas for ref in refs)
    op = merged["paths"]["/v1/regions"]["post"]
    assert op["security"] == [{"bearer": ["regions:write"]}, {"apiKey": ["regions:write"]}]
    assert "429" in op["responses"]
    assert {"regions:read", "regions:write", "dealers:read", "advisors:write"} <= all_scopes(
        contracts
    )


def test_clashing_schema_names_are_prefixed() -> None:
    a = {
        "info": {},
        "paths": {"/v1/a": {"get": {"$ref": "#/components/schemas/Thing"}}},
        "components": {"schemas": {"Thing": {"type": "string"}}},
    }
    b = {
        "info": {},
        "paths": {"/v1/b": {"get": {"$ref": "#/components/schemas/Thing"}}},
        "components": {"schemas": {"Thing": {"type": "integer"}}},
    }
    merged = merged_openapi({"regions": a, "dealers": b}, title="t", version="1")
    assert merged["components"]["schemas"]["DealersThing"] == {"type": "integer"}
    assert merged["paths"]["/v1/b"]["get"]["$ref"] == "#/components/schemas/DealersThing"


def _refs(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()
