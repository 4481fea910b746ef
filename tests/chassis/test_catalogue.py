"""The event catalogue: an AsyncAPI 3.0 document valid against the specification's own schema,
and emitted events checked against it."""

import json
from pathlib import Path

import jsonschema_rs
import pytest
from pydantic import BaseModel

from chassis.catalogue import Catalogue, EventType, UndocumentedEvent

SPEC = Path(__file__).resolve().parent.parent / "fixtures" / "asyncapi-3.0.0.schema.json"


class Thing(BaseModel):
    id: str
    count: int


def catalogue() -> Catalogue:
    return Catalogue(
        service="things",
        title="Things",
        feed_path="/v1/thing-events",
        scope="things:read",
        types=[
            EventType("thing.created", Thing, "A thing was created", dealer_scoped=True),
            EventType("thing.moved", Thing, "A thing moved", extra={"reason": {"type": "string"}}),
        ],
    )


def validator() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(json.loads(SPEC.read_text()))


def test_the_document_is_valid_asyncapi_3() -> None:
    doc = catalogue().asyncapi("1.0.0")
    validator().validate(doc)
    messages = doc["components"]["messages"]
    assert set(messages) == {"thing.created", "thing.moved"}
    assert doc["channels"]["thingsEvents"]["address"] == "/v1/thing-events"
    assert "Thing" in doc["components"]["schemas"]


def test_an_invalid_document_is_refused_by_the_spec_schema() -> None:
    doc = catalogue().asyncapi("1.0.0")
    doc["asyncapi"] = "2.0"
    assert not validator().is_valid(doc)


def test_strict_catalogue_refuses_unknown_types_and_bad_payloads() -> None:
    cat = catalogue()
    cat.check("thing.unknown", {})  # logged, not raised, outside tests
    cat.strict = True
    cat.check("thing.created", {"id": "a", "count": 1, "actor": "me"})
    with pytest.raises(UndocumentedEvent, match="not in the catalogue"):
        cat.check("thing.unknown", {})
    with pytest.raises(UndocumentedEvent, match="does not match Thing"):
        cat.check("thing.created", {"id": "a", "count": "many"})
