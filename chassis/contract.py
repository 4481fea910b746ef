"""What every service's contract declares beyond its routes: the problem document with its
error items, the headers the chassis sets (ETag, Location, Idempotent-Replayed) and reads
(Idempotency-Key), so that clients generated from the contract see them."""

from typing import Any

from chassis.errors import Problem

ETAG = {
    "description": "The record's version, for `If-Match` on the next change",
    "schema": {"type": "string", "pattern": '^"v[0-9]+"$', "examples": ['"v3"']},
}
LOCATION = {
    "description": "Where the created record is read",
    "schema": {"type": "string", "format": "uri-reference"},
}
REPLAYED = {
    "description": "`true` when this is the stored answer to an earlier request with the same "
    "`Idempotency-Key` and payload",
    "schema": {"type": "string", "enum": ["true"]},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key and payload replay the first answer "
    "(`Idempotent-Replayed: true`); the same key with another payload is a 422; while the first "
    "is in flight, a 409. Keys are kept per caller.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def add_problem_schema(schema: dict[str, Any]) -> None:
    """The problem document and its error item, which every error response refers to."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem


UNAVAILABLE = {
    "description": "The database is unavailable for a moment (a restart, a failover): nothing "
    "was written; retry after `Retry-After` seconds",
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def declare_chassis_headers(schema: dict[str, Any], *, idempotency_keys: bool) -> None:
    """Declare the headers the chassis sets and reads on every operation they apply to, and
    the 503 any operation may answer while its database is unavailable."""
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            if path.startswith("/v1/"):
                responses.setdefault("503", UNAVAILABLE)
            for status, response in responses.items():
                if not status.startswith("2"):
                    continue
                headers = response.setdefault("headers", {})
                if _has_version(response, schema):
                    headers.setdefault("ETag", ETAG)
                if status == "201" and _reads_by_id(schema, path):
                    headers.setdefault("Location", LOCATION)
                if method == "post" and idempotency_keys:
                    headers.setdefault("Idempotent-Replayed", REPLAYED)
                if not headers:
                    del response["headers"]
            if method == "post" and idempotency_keys:
                _declare_idempotency_key(operation)


def _declare_idempotency_key(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name", "").lower() == "idempotency-key" for p in parameters):
        parameters.append(IDEMPOTENCY_KEY)


def _reads_by_id(schema: dict[str, Any], collection: str) -> bool:
    """Whether `collection` is a `/v1/<collection>` whose records are read at `…/{id}` (the
    chassis then sets `Location` on a 201)."""
    paths = schema.get("paths", {})
    return collection.count("/") == 2 and any(
        p.startswith(f"{collection}/{{") and p.endswith("}") and "get" in ops
        for p, ops in paths.items()
        if p.count("/") == 3
    )


def _has_version(response: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether the answer is one record with a `version` (the ETag the route sets)."""
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if not ref:
        return False
    target = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    return "version" in target.get("properties", {})
