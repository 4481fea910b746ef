"""The event catalogue of a service: every event type its feed carries, with the schema of its
`data`, published as an AsyncAPI 3 document beside the OpenAPI contract."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from pydantic import BaseModel, Field, ValidationError, create_model
from pydantic.fields import FieldInfo
from pydantic.json_schema import models_json_schema
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

log = logging.getLogger("chassis.events")
REF = "#/components/schemas/{model}"
ACTOR = (str, Field(description="Who made the change: the caller's subject"))
_DEALERS = {
    "type": "array",
    "items": {"type": "string", "format": "uuid"},
    "minItems": 1,
    "description": "The dealers the event concerns: a partner sees it if one is its own",
}
_NO_DEALERS = {"type": "null", "description": "Not tied to a dealer: partners never see it"}


@dataclass(frozen=True)
class EventType:
    """One type of event: its name (`<record>.<what happened>`), what it means and when it is
    emitted, and the model its `data` follows. `actor`: `data` also carries the caller's subject;
    `extra`: the other members `data` carries beside the model, as pydantic field definitions
    (a type, or `(type, default or Field(...))`; a member with a default may be absent).
    `dealer_scoped`: the event names the dealers it concerns in `dealer_ids`."""

    name: str
    payload: type[BaseModel]
    summary: str
    dealer_scoped: bool = False
    actor: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    def members(self) -> type[BaseModel] | None:
        """The members beside the payload model (actor and extra), as a model of their own."""
        fields = ({"actor": ACTOR} if self.actor else {}) | dict(self.extra)
        return create_model(f"{self.name} members", **fields) if fields else None


class UndocumentedEvent(Exception):
    """A service emitted an event type (or payload) its catalogue does not describe."""


def published(model: type[BaseModel]) -> type[BaseModel]:
    """A twin of `model` that validates what `model` serialises to (`by_alias`): for payloads
    dumped from a model whose validation aliases name database columns (`from_stage`) while
    its JSON says `from`. Its JSON schema is `model`'s."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        alias = info.serialization_alias or info.alias or name
        fields[name] = (info.annotation, FieldInfo.merge_field_infos(info, validation_alias=alias))
    return create_model(
        model.__name__,
        __config__=model.model_config,
        __doc__=model.__doc__,
        __module__=model.__module__,
        **fields,
    )


def _member_names(model: type[BaseModel] | None) -> set[str]:
    if model is None:
        return set()
    names = {f.serialization_alias or f.alias or n for n, f in model.model_fields.items()}
    return names | {f.alias or n for n, f in model.model_computed_fields.items()}


# The catalogue each app's database is checked against, and how strictly: by engine, since the
# tests' probe apps write other event types to the services' outbox tables, and per app rather
# than on the shared catalogue, since one test process also builds development apps (contracts).
_WATCHED: "WeakKeyDictionary[Engine, tuple[Catalogue, bool]]" = WeakKeyDictionary()


def check_event(
    session: AsyncSession, name: str, data: Mapping[str, Any], dealer_ids: list[Any] | None
) -> None:
    """Check an event against the catalogue of the app whose database `session` writes to."""
    bind = session.bind
    watched = None if bind is None else _WATCHED.get(bind.sync_engine)
    if watched is not None:
        catalogue, strict = watched
        catalogue.check(name, data, dealer_scoped=bool(dealer_ids), strict=strict)


class Catalogue:
    def __init__(
        self, *, service: str, title: str, feed_path: str, scope: str, types: Iterable[EventType]
    ) -> None:
        self.service, self.title, self.feed_path, self.scope = service, title, feed_path, scope
        self.types = {t.name: t for t in types}
        self._members = {name: kind.members() for name, kind in self.types.items()}
        # strict: `check` validates payloads and raises; apps pass their own to `watch`
        self.strict = False

    def watch(self, engine: AsyncEngine, *, strict: bool) -> None:
        """Check every event written through `engine` (`emit`, `emit_many`) against this
        catalogue; `strict` (tests): check payloads too and raise `UndocumentedEvent`."""
        _WATCHED[engine.sync_engine] = (self, strict)

    def check(
        self,
        name: str,
        data: Mapping[str, Any],
        *,
        dealer_scoped: bool | None = None,
        strict: bool | None = None,
    ) -> None:
        """Refuse (strict) or log (otherwise) an event the catalogue doesn't describe; strict
        also checks that `data` follows the type's model and members, names nothing else, and
        that the event names dealers exactly when its type is dealer-scoped."""
        strict = self.strict if strict is None else strict
        kind = self.types.get(name)
        problem = None if kind is not None else f"event type {name} is not in the catalogue"
        if kind is not None and strict:
            problem = self._problem(kind, data, dealer_scoped)
        if problem is None:
            return
        if strict:
            raise UndocumentedEvent(problem)
        log.error(problem)

    def _problem(
        self, kind: EventType, data: Mapping[str, Any], dealer_scoped: bool | None
    ) -> str | None:
        members = self._members[kind.name]
        try:
            kind.payload.model_validate(data)
            if members is not None:
                members.model_validate(data)
        except ValidationError as exc:
            return f"{kind.name} payload does not match {kind.payload.__name__}: {exc}"
        unknown = set(data) - _member_names(kind.payload) - _member_names(members)
        if unknown:
            return f"{kind.name} carries members its catalogue entry doesn't list: {unknown}"
        if dealer_scoped is not None and dealer_scoped != kind.dealer_scoped:
            named = "names dealers" if dealer_scoped else "names no dealer"
            return f"{kind.name} {named}; its entry says dealer_scoped={kind.dealer_scoped}"
        return None

    def asyncapi(self, version: str) -> dict[str, Any]:
        """The AsyncAPI 3.0 document of the feed: one channel the service sends on, a message
        per event type whose payload is the feed item with that type's `data`."""
        models = sorted({t.payload for t in self.types.values()}, key=lambda m: m.__name__)
        refs, defs = models_json_schema([(m, "serialization") for m in models], ref_template=REF)
        schemas: dict[str, Any] = dict(defs.get("$defs", {}))
        messages = {
            name: self._message(kind, refs[(kind.payload, "serialization")], schemas)
            for name, kind in sorted(self.types.items())
        }
        channel = f"{self.service}Events"
        return {
            "asyncapi": "3.0.0",
            "info": {
                "title": f"{self.title} events",
                "version": version,
                "description": (
                    f"The event feed `GET {self.feed_path}` (scope `{self.scope}`, or "
                    f"`{self.service}:events` which allows the feed alone): pages of events in "
                    "commit order, read after a position (`after=<next_after>`), optionally "
                    "waiting for new ones (`wait=` seconds). Each item is `{id, position, type, "
                    "occurred_at, data, dealer_ids}`; events tied to dealers are shown to a "
                    "partner only for its own dealers. Dedupe on `id`."
                ),
            },
            "defaultContentType": "application/json",
            "channels": {
                channel: {
                    "address": self.feed_path,
                    "description": "Items of the feed, in commit order.",
                    "messages": {
                        name: {"$ref": f"#/components/messages/{name}"} for name in messages
                    },
                }
            },
            "operations": {
                f"send{self.service.title()}Events": {
                    "action": "send",
                    "channel": {"$ref": f"#/channels/{channel}"},
                    "summary": f"The service publishes its events on {self.feed_path}",
                    "messages": [
                        {"$ref": f"#/channels/{channel}/messages/{name}"} for name in messages
                    ],
                }
            },
            "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
        }

    def _message(
        self, kind: EventType, ref: dict[str, Any], schemas: dict[str, Any]
    ) -> dict[str, Any]:
        data: dict[str, Any] = ref
        members = self._members[kind.name]
        if members is not None:
            schema = members.model_json_schema(mode="serialization", ref_template=REF)
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schema.pop("title", None)
            data = {"allOf": [ref, schema]}
        return {
            "name": kind.name,
            "title": kind.name,
            "summary": kind.summary,
            "payload": {
                "type": "object",
                "required": ["id", "position", "type", "occurred_at", "data", "dealer_ids"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "description": "dedupe on it"},
                    "position": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
                    "type": {"const": kind.name},
                    "occurred_at": {"type": "string", "format": "date-time"},
                    "data": data,
                    "dealer_ids": _DEALERS if kind.dealer_scoped else _NO_DEALERS,
                },
            },
        }
