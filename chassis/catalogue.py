"""The event catalogue of a service: every event type its feed carries, with the schema of its
`data`, published as an AsyncAPI 3 document beside the OpenAPI contract."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

log = logging.getLogger("chassis.events")
REF = "#/components/schemas/{model}"
_ACTOR = {"actor": {"type": "string", "description": "who made the change (subject)"}}


@dataclass(frozen=True)
class EventType:
    """One type of event: its name (`<record>.<what happened>`), what it means, when it is
    emitted, and the model its `data` follows (plus `actor` and the listed extra members)."""

    name: str
    payload: type[BaseModel]
    summary: str
    dealer_scoped: bool = False
    actor: bool = True
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)


class UndocumentedEvent(Exception):
    """A service emitted an event type (or payload) its catalogue does not describe."""


class Catalogue:
    def __init__(
        self, *, service: str, title: str, feed_path: str, scope: str, types: Iterable[EventType]
    ) -> None:
        self.service, self.title, self.feed_path, self.scope = service, title, feed_path, scope
        self.types = {t.name: t for t in types}
        # Set by the app in tests: every emitted payload is checked against its schema.
        self.strict = False

    def check(self, name: str, data: dict[str, Any]) -> None:
        """Refuse (in tests) or log (elsewhere) an event the catalogue doesn't describe."""
        kind = self.types.get(name)
        problem = None if kind is not None else f"event type {name} is not in the catalogue"
        if kind is not None and self.strict:
            try:
                kind.payload.model_validate(data)
            except ValidationError as exc:
                problem = f"{name} payload does not match {kind.payload.__name__}: {exc}"
        if problem is None:
            return
        if self.strict:
            raise UndocumentedEvent(problem)
        log.error(problem)

    def asyncapi(self, version: str) -> dict[str, Any]:
        """The AsyncAPI 3.0 document of the feed: one channel, one receive operation, a message
        per event type whose payload is the feed item with that type's `data`."""
        models = sorted({t.payload for t in self.types.values()}, key=lambda m: m.__name__)
        _, defs = models_json_schema([(m, "serialization") for m in models], ref_template=REF)
        schemas: dict[str, Any] = dict(defs.get("$defs", {}))
        messages = {name: self._message(kind) for name, kind in sorted(self.types.items())}
        channel = f"{self.service}Events"
        refs = [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in messages]
        return {
            "asyncapi": "3.0.0",
            "info": {
                "title": f"{self.title} events",
                "version": version,
                "description": (
                    f"The event feed `GET {self.feed_path}` (scope `{self.scope}`): read pages "
                    "after a position (`after=<next_after>`), optionally waiting for new events "
                    "(`wait=` seconds). Each item is `{id, position, type, occurred_at, data, "
                    "dealer_ids}`; events tied to dealers are shown to a partner only for its "
                    "own dealers."
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
                f"read{self.service.title()}Events": {
                    "action": "receive",
                    "channel": {"$ref": f"#/channels/{channel}"},
                    "summary": f"Follow {self.feed_path}",
                    "messages": refs,
                }
            },
            "components": {"messages": messages, "schemas": schemas},
        }

    def _message(self, kind: EventType) -> dict[str, Any]:
        data: dict[str, Any] = {"$ref": REF.format(model=kind.payload.__name__)}
        members = (_ACTOR if kind.actor else {}) | kind.extra
        if members:
            data = {"allOf": [data, {"type": "object", "properties": members}]}
        return {
            "name": kind.name,
            "title": kind.name,
            "summary": kind.summary,
            "payload": {
                "type": "object",
                "required": ["id", "position", "type", "occurred_at", "data"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "description": "dedupe on it"},
                    "position": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
                    "type": {"const": kind.name},
                    "occurred_at": {"type": "string", "format": "date-time"},
                    "data": data,
                    "dealer_ids": {
                        "type": ["array", "null"],
                        "items": {"type": "string", "format": "uuid"},
                        "description": (
                            "the dealers the event concerns"
                            if kind.dealer_scoped
                            else "always null: not tied to a dealer"
                        ),
                    },
                },
            },
        }
