"""The event catalogue: an AsyncAPI 3.0 document valid against the specification's own schema,
and emitted events checked against it."""

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, Field

from chassis.catalogue import Catalogue, EventType, UndocumentedEvent, published
from chassis.outbox import emit, emit_many

SPEC = Path(__file__).resolve().parent.parent / "fixtures" / "asyncapi-3.0.0.schema.json"


class Thing(BaseModel):
    id: str
    count: int


class Move(BaseModel):
    """A model whose JSON (`from`) is not what it validates from (`from_place`)."""

    id: str
    from_: str = Field(validation_alias="from_place", serialization_alias="from")


def catalogue() -> Catalogue:
    return Catalogue(
        service="things",
        title="Things",
        feed_path="/v1/thing-events",
        scope="things:read",
        types=[
            EventType("thing.created", Thing, "A thing was created", dealer_scoped=True),
            EventType("thing.moved", Thing, "A thing moved", extra={"reason": str | None}),
            EventType(
                "thing.relocated",
                published(Move),
                "A thing was relocated",
                actor=False,
                extra={"note": (str | None, None)},
            ),
        ],
    )


def validator() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(json.loads(SPEC.read_text()))


def test_the_document_is_valid_asyncapi_3() -> None:
    doc = catalogue().asyncapi("1.0.0")
    validator().validate(doc)
    messages = doc["components"]["messages"]
    assert set(messages) == {"thing.created", "thing.moved", "thing.relocated"}
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


def test_members_beside_the_model_are_documented() -> None:
    doc = catalogue().asyncapi("1.0.0")
    data = doc["components"]["messages"]["thing.moved"]["payload"]["properties"]["data"]
    ref, members = data["allOf"]
    assert ref == {"$ref": "#/components/schemas/Thing"}
    assert set(members["properties"]) == {"actor", "reason"}
    assert set(members["required"]) == {"actor", "reason"}
    relocated = doc["components"]["messages"]["thing.relocated"]["payload"]["properties"]
    assert relocated["data"]["allOf"][1].get("required") is None  # `note` may be absent
    # the published twin keeps the model's name and its JSON schema
    assert doc["components"]["schemas"]["Move"]["required"] == ["id", "from"]


def test_strict_catalogue_checks_members_and_dealer_scope() -> None:
    cat = catalogue()
    cat.strict = True
    with pytest.raises(UndocumentedEvent, match="does not match"):
        cat.check("thing.created", {"id": "a", "count": 1})  # no actor
    with pytest.raises(UndocumentedEvent, match="does not match"):
        cat.check("thing.moved", {"id": "a", "count": 1, "actor": "me"})  # no reason
    cat.check("thing.moved", {"id": "a", "count": 1, "actor": "me", "reason": None})
    with pytest.raises(UndocumentedEvent, match=r"doesn't list: \{'colour'\}"):
        cat.check("thing.created", {"id": "a", "count": 1, "actor": "me", "colour": "red"})
    cat.check("thing.relocated", {"id": "a", "from": "here"})
    cat.check("thing.relocated", {"id": "a", "from": "here", "note": "n"})
    with pytest.raises(UndocumentedEvent, match="does not match Move"):
        cat.check("thing.relocated", {"id": "a", "from_place": "here"})
    cat.check("thing.created", {"id": "a", "count": 1, "actor": "me"}, dealer_scoped=True)
    with pytest.raises(UndocumentedEvent, match="names no dealer"):
        cat.check("thing.created", {"id": "a", "count": 1, "actor": "me"}, dealer_scoped=False)
    with pytest.raises(UndocumentedEvent, match="names dealers"):
        cat.check(
            "thing.moved",
            {"id": "a", "count": 1, "actor": "me", "reason": None},
            dealer_scoped=True,
        )


async def test_a_service_app_checks_what_it_emits_strictly_in_tests(
    backend: str, apps: Any, probe_apps: Any
) -> None:
    """A service's database refuses an event its catalogue lacks; a probe app writing the same
    outbox table through its own database (no catalogue) is not checked."""
    app = await apps("regions", backend)
    async with app.state.db.session() as session:
        with pytest.raises(UndocumentedEvent, match="not in the catalogue"):
            await emit(session, app.state.tables.outbox, "region.vanished", {})
        with pytest.raises(UndocumentedEvent, match="does not match RegionPublic"):
            await emit_many(session, app.state.tables.outbox, [("region.created", {}, ())])
        await session.rollback()
    probe = await probe_apps(backend, "committed")
    async with probe.state.db.session() as session:
        await emit(session, probe.state.tables.outbox, "probe.anything", {})
        await session.rollback()
