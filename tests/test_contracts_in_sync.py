"""The committed OpenAPI contracts and event catalogues (AsyncAPI documents, `docs/events.md`)
match the code; every route is documented properly; the AsyncAPI documents are valid."""

import importlib
import json
from pathlib import Path

import httpx
import jsonschema_rs
import pytest

from scripts.contracts import contract_path, documents, events_path, render
from tests.harness import SERVICES

ASYNCAPI_SCHEMA = Path(__file__).parent / "fixtures" / "asyncapi-3.0.0.schema.json"

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_committed_contract_matches_the_code(service: str) -> None:
    committed = contract_path(service).read_text()
    assert committed == render(service), f"run `make contracts` to update {contract_path(service)}"


@pytest.mark.parametrize("service", [*SERVICES, "gateway"])
def test_every_operation_is_documented_and_secured(service: str) -> None:
    doc = json.loads(render(service))
    ids = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method not in HTTP_METHODS:
                continue
            ids.append(op["operationId"])
            assert op.get("summary"), f"{method} {path} has no summary"
            success = [s for s in op["responses"] if s.startswith("2")]
            assert success, f"{method} {path} declares no success response"
            if path.startswith("/v1/"):
                assert op.get("security"), f"{method} {path} is not secured"
                for status in ("401", "403", "422"):
                    assert status in op["responses"], f"{method} {path} does not declare {status}"
    assert len(ids) == len(set(ids)), "operation ids must be unique"


@pytest.mark.parametrize("service", SERVICES)
def test_committed_event_catalogue_matches_the_code(service: str) -> None:
    for path, make in documents(service)[1:]:  # the AsyncAPI document and docs/events.md
        assert path.read_text(encoding="utf-8") == make(service), f"run `make contracts` ({path})"


@pytest.mark.parametrize("service", SERVICES)
def test_committed_asyncapi_document_is_valid_asyncapi_3(service: str) -> None:
    spec = json.loads(ASYNCAPI_SCHEMA.read_text())
    doc = json.loads(events_path(service).read_text())
    errors = [str(e) for e in jsonschema_rs.Draft7Validator(spec).iter_errors(doc)]
    assert not errors, errors[:3]
    assert (
        doc["channels"][f"{service}Events"]["address"]
        == SERVICES[service].module("app").SPEC.event_path
    )


@pytest.mark.parametrize("service", SERVICES)
async def test_the_asyncapi_document_is_served_without_credentials(service: str) -> None:
    app = SERVICES[service].create_app("sqlite+aiosqlite:///:memory:")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://s") as client:
        r = await client.get("/asyncapi.json")
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(events_path(service).read_text())
    assert "/asyncapi.json" not in json.loads(render(service))["paths"]


# State changes that name their event after the new state (`order.{status}`): every state a
# move can reach has its event type in the catalogue, exercised by the tests or not.
MOVED_TO = [
    ("dealers", "order", "services.dealers.models", "ORDER_MOVES"),
    ("advisors", "visit", "services.advisors.visits.service", "MOVES"),
    ("advisors", "action_plan", "services.advisors.action_plans.service", "MOVES"),
    ("advisors", "training_enrolment", "services.advisors.training_enrolments.service", "MOVES"),
]


@pytest.mark.parametrize(("service", "record", "module", "moves"), MOVED_TO)
def test_every_state_a_move_reaches_has_its_event_type(
    service: str, record: str, module: str, moves: str
) -> None:
    reached = set().union(*getattr(importlib.import_module(module), moves).values())
    catalogue = SERVICES[service].module("catalogue").CATALOGUE
    missing = {f"{record}.{s}" for s in reached} - set(catalogue.types)
    assert not missing
