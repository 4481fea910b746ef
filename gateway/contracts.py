"""The services' committed OpenAPI contracts: the routing table and the merged document."""

import json
from copy import deepcopy
from pathlib import Path
from typing import Any

SERVICES = ("regions", "dealers", "advisors")
PUBLIC_SCHEME = "bearer"
KEY_SCHEME = "apiKey"


AMBIGUOUS_CREDENTIALS = {
    "description": "More than one credential (say, a bearer token and an X-API-Key)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

# The rate-limit headers (IETF draft "RateLimit header fields for HTTP") on every answer to a
# limited caller, and the 429 with its problem and Retry-After.
RATE_LIMIT_HEADERS = {
    "RateLimit": {
        "description": "What is left of the caller's limit: `r` requests, full again in `t` s",
        "schema": {"type": "string", "examples": ['"client";r=87;t=2']},
    },
    "RateLimit-Policy": {
        "description": "The caller's limit: a burst of `q` requests, refilled over `w` s",
        "schema": {"type": "string", "examples": ['"client";q=100;w=10']},
    },
}
TOO_MANY_REQUESTS = {
    "description": "Rate limit exceeded, or too many failed authentications from the client's "
    "address: try again after `Retry-After` seconds",
    "headers": {
        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}},
        **RATE_LIMIT_HEADERS,
    },
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class RoutingConflict(Exception):
    pass


def load_contracts(
    directory: Path, services: tuple[str, ...] = SERVICES
) -> dict[str, dict[str, Any]]:
    return {name: json.loads((directory / name / "openapi.json").read_text()) for name in services}


def load_event_documents(directory: Path, services: tuple[str, ...] = SERVICES) -> dict[str, bytes]:
    """The services' committed AsyncAPI documents (their event catalogues), served as they are."""
    return {name: (directory / name / "asyncapi.json").read_bytes() for name in services}


def collection_of(path: str) -> str | None:
    """`/v1/regions/{id}` → `regions`; paths outside `/v1/` are not routed."""
    parts = path.split("/", 3)
    if len(parts) < 3 or parts[0] != "" or parts[1] != "v1" or not parts[2]:
        return None
    return parts[2]


def routing_table(contracts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Collection segment → service; a collection claimed by two services is an error."""
    table: dict[str, str] = {}
    for service, doc in contracts.items():
        for path in doc.get("paths", {}):
            segment = collection_of(path)
            if segment is None:
                continue
            owner = table.setdefault(segment, service)
            if owner != service:
                raise RoutingConflict(f"/v1/{segment} is claimed by {owner} and {service}")
    return table


def all_scopes(contracts: dict[str, dict[str, Any]]) -> frozenset[str]:
    scopes: set[str] = set()
    for doc in contracts.values():
        for ops in doc.get("paths", {}).values():
            for op in ops.values():
                for requirement in op.get("security", []):
                    for values in requirement.values():
                        scopes.update(values)
    return frozenset(scopes)


def merged_openapi(
    contracts: dict[str, dict[str, Any]], *, title: str, version: str
) -> dict[str, Any]:
    """One document for the public API; schema names that clash get the service's prefix."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "The ARS platform's public API: regions, dealers and advisors.",
        },
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {
                PUBLIC_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A person's JWT from the identity provider (roles map to "
                    "scopes), or an API key (`arsk_...`) as the bearer token.",
                },
                KEY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": "A machine client's API key, with the scopes it was given.",
                },
            },
        },
        "tags": [],
    }
    schemas = merged["components"]["schemas"]
    for service, doc in contracts.items():
        renames = _schema_renames(service, doc, schemas)
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(name, name)] = _renamed(schema, name, renames)
        for path, ops in doc.get("paths", {}).items():
            if collection_of(path) is None:
                continue
            merged["paths"][path] = {
                method: _public_operation(op, renames) for method, op in ops.items()
            }
        merged["tags"].append({"name": service, "description": doc["info"].get("description", "")})
    return merged


def _schema_renames(service: str, doc: dict[str, Any], taken: dict[str, Any]) -> dict[str, str]:
    """Names to give this service's schemas: a name another service already uses for another
    schema gets the service's prefix, and so does a schema that refers (at any depth) to a
    renamed one, since its text may equal the other service's while its meaning does not."""
    schemas = doc.get("components", {}).get("schemas", {})
    prefix = service.capitalize()
    renames = {n: f"{prefix}{n}" for n, s in schemas.items() if n in taken and taken[n] != s}
    grew = True
    while grew:
        grew = False
        for name, schema in schemas.items():
            if name in taken and name not in renames and _refs(schema) & renames.keys():
                renames[name] = f"{prefix}{name}"
                grew = True
    return renames


def _refs(node: Any) -> set[str]:
    """The schema names `node` refers to."""
    if isinstance(node, dict):
        found = {
            v.rsplit("/", 1)[-1] for k, v in node.items() if k == "$ref" and isinstance(v, str)
        }
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _renamed(schema: Any, name: str, renames: dict[str, str]) -> Any:
    """The schema under its merged name: refs rewritten, and a `title` that says the new name
    (client generators name their classes by it, and two equal titles collide)."""
    out = _rewrite_refs(schema, renames)
    if name in renames and isinstance(out, dict) and "title" in out:
        out = {**out, "title": renames[name]}
    return out


def _public_operation(op: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    out = _rewrite_refs(deepcopy(op), renames)
    if "security" in out:
        scopes = sorted({s for req in out["security"] for v in req.values() for s in v})
        out["security"] = [{PUBLIC_SCHEME: scopes}, {KEY_SCHEME: scopes}]
        responses = out.setdefault("responses", {})
        responses["429"] = TOO_MANY_REQUESTS
        responses.setdefault("400", AMBIGUOUS_CREDENTIALS)
        for status, response in responses.items():
            if status.startswith("2"):
                response["headers"] = response.get("headers", {}) | RATE_LIMIT_HEADERS
    return out


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if not renames:
        return node
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                value = value.rsplit("/", 1)[0] + "/" + renames.get(name, name)
            out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node
