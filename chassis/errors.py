"""RFC 9457 problem details: the error classes services raise and the handlers that render them."""

import logging
import re
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from chassis.asgi import ASGIApp, Message, Receive, Scope, Send, send_bytes
from chassis.jsonerrors import decode_error_detail
from chassis.jsonutil import dumps

PROBLEM_TYPE_BASE = "https://ars.example.com/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("chassis.errors")


@dataclass(frozen=True)
class FieldError:
    pointer: str
    detail: str
    location: str | None = None  # "header", "query", "path"; None: the body

    def as_dict(self) -> dict[str, str]:
        doc = {"pointer": self.pointer, "detail": self.detail}
        if self.location:
            doc["location"] = self.location
        return doc


class ProblemError(Exception):
    """An error that renders as a problem document; subclasses fix status and type."""

    status = 500
    slug = "internal-error"
    title = "Internal Server Error"

    def __init__(self, detail: str, *, errors: Sequence[FieldError] = (), **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)
        self.extra = extra

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            doc["instance"] = instance
        if self.errors:
            doc["errors"] = [e.as_dict() for e in self.errors]
        doc.update(self.extra)
        return doc


class BadRequest(ProblemError):
    status, slug, title = 400, "bad-request", "Bad Request"


class Unauthorized(ProblemError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "Not Found"


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(ProblemError):
    status, slug, title = 412, "precondition-failed", "Precondition Failed"


class ContentTooLarge(ProblemError):
    status, slug, title = 413, "content-too-large", "Content Too Large"


class Unprocessable(ProblemError):
    status, slug, title = 422, "validation-error", "Unprocessable Content"


class PreconditionRequired(ProblemError):
    status, slug, title = 428, "precondition-required", "Precondition Required"


class TooManyRequests(ProblemError):
    status, slug, title = 429, "rate-limited", "Too Many Requests"


def field_error(pointer: str, detail: str) -> Unprocessable:
    """A 422 naming one field, the commonest domain-rule failure."""
    return Unprocessable(
        f"{pointer.removeprefix('#/')}: {detail}", errors=[FieldError(pointer, detail)]
    )


class ErrorItem(BaseModel):
    """One thing wrong with a request."""

    pointer: str = Field(
        description="JSON pointer (RFC 6901, as a URI fragment) to the field in the body, or "
        "the name of the parameter",
        examples=["#/items/3/region_id"],
    )
    detail: str = Field(description="What is wrong with it", examples=["no record has this id"])
    location: str | None = Field(
        default=None, description="`header`, `query` or `path` when not in the body"
    )


class Problem(BaseModel):
    """An error answer (RFC 9457, `application/problem+json`)."""

    type: str = Field(examples=["https://ars.example.com/problems/validation-error"])
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["region_id: no record has this id"])
    instance: str | None = Field(default=None, description="The request's path")
    errors: list[ErrorItem] | None = Field(
        default=None, description="Each field or parameter that is wrong"
    )
    field: str | None = Field(
        default=None, description="The member a conflict is about (e.g. `code`, `to`)"
    )


def problem_response(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    return Response(dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_STATUS_SLUGS = {
    400: ("bad-request", "Bad Request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    406: ("not-acceptable", "Not Acceptable"),
    409: ("conflict", "Conflict"),
    413: ("content-too-large", "Content Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
}


def generic_problem(status: int, detail: str) -> dict[str, Any]:
    slug, title = _STATUS_SLUGS.get(status, ("error", "Error"))
    return {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail}


def pointer_for(loc: Sequence[Any]) -> str:
    """`("body", "contacts", 0, "mobile")` → `#/contacts/0/mobile`; query and path keep the name."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc[1:]] if loc else []
    return "#/" + "/".join(parts)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        if err.get("type") == "json_invalid":
            out.append(_json_error(exc, loc, err))
            continue
        item = {"pointer": pointer_for(loc), "detail": str(err.get("msg", "invalid"))}
        if loc and loc[0] != "body":
            item["location"] = str(loc[0])
        out.append(item)
    return out


def _json_error(exc: RequestValidationError, loc: Sequence[Any], err: Any) -> dict[str, str]:
    """A body that is not JSON: where (line, column, pointer) rather than a character offset."""
    doc = exc.body if isinstance(exc.body, str) else ""
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
    message = str((err.get("ctx") or {}).get("error") or err.get("msg") or "invalid JSON")
    pointer, detail = decode_error_detail(doc, pos, message)
    return {"pointer": pointer, "detail": detail}


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    headers = exc.extra.pop("headers", None) if "headers" in exc.extra else None
    return problem_response(exc.status, exc.body(request.url.path), headers)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    names = ", ".join(e["pointer"].removeprefix("#/") or e.get("location", "body") for e in errors)
    body = Unprocessable(f"Invalid request: {names}").body(request.url.path)
    body["errors"] = errors
    return problem_response(422, body)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        # a body the standard library could not decode (routes that don't parse with orjson)
        detail = f"the body is not valid UTF-8 (byte {exc.__cause__.start})"
        body = Unprocessable(f"Invalid request: {detail}", errors=[FieldError("#", detail)])
        return problem_response(422, body.body(request.url.path))
    return problem_response(
        exc.status_code, generic_problem(exc.status_code, str(exc.detail)), headers
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app serves at the request's path (Starlette names only
    the first route's)."""
    methods: set[str] = set()
    for route in iter_route_contexts(getattr(request.app, "routes", ())):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: \w+\.(\w+)")


def unique_violation_field(exc: IntegrityError) -> str | None:
    """The column a unique violation is about, or None when it is another integrity error."""
    orig = exc.orig
    cause = getattr(orig, "__cause__", None)
    if getattr(cause, "sqlstate", None) == "23505":
        constraint = str(getattr(cause, "constraint_name", "") or "")
        table = str(getattr(cause, "table_name", "") or "")
        return constraint.removeprefix(f"uq_{table}_").removeprefix("ix_") or "unknown"
    match = _SQLITE_UNIQUE.search(str(orig))
    return match.group(1) if match else None


async def _on_integrity(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IntegrityError)
    log.info("integrity error: %s", exc.orig)
    field = unique_violation_field(exc)
    if field is not None:
        detail = f"A record with this {field} already exists."
        return problem_response(409, Conflict(detail, field=field).body(request.url.path))
    detail = "The request refers to a record that does not exist or is still referenced."
    return problem_response(409, Conflict(detail).body(request.url.path))


async def _on_stale(request: Request, exc: Exception) -> Response:
    detail = "The record was changed by another request; fetch it again."
    return problem_response(412, PreconditionFailed(detail).body(request.url.path))


class Unavailable(ProblemError):
    status, slug, title = 503, "unavailable", "Service Unavailable"


RETRY_AFTER = "2"
_PG_OUTAGES = (
    asyncpg.exceptions.PostgresConnectionError,  # can't connect now, connection lost
    asyncpg.exceptions.AdminShutdownError,  # terminating connection: restart, failover
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.TooManyConnectionsError,
)
_OUTAGES = (ConnectionError, TimeoutError, socket.gaierror, *_PG_OUTAGES)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) means the database could not be reached or is
    restarting: a 503 the client may retry, not a fault of the request or of the service."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _OUTAGES):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        text = str(current)
        if "connection is closed" in text or "database is locked" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def unavailable_response(path: str | None = None) -> Response:
    body = Unavailable("The database is unavailable for a moment; nothing was written. Retry.")
    return problem_response(503, body.body(path), {"Retry-After": RETRY_AFTER})


async def _on_db_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("database unavailable: %s", exc)
        return unavailable_response(request.url.path)
    # PostgreSQL refuses NUL characters in text; SQLite stores them. Answer alike on both.
    if "0x00" in str(exc) or "NUL" in str(exc):
        names = [k for k, v in request.query_params.multi_items() if "\x00" in v]
        errors = [FieldError(f"#/{n}", "contains a NUL character") for n in names]
        body = Unprocessable("Text may not contain NUL characters.", errors=errors)
        return problem_response(422, body.body(request.url.path))
    return await _on_unexpected(request, exc)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("database unavailable: %s", exc)
        return unavailable_response(request.url.path)
    log.exception("unhandled error", exc_info=exc)
    return problem_response(500, ProblemError("An unexpected error occurred.").body())


async def no_nul_in_query(request: Request) -> None:
    """A dependency every app installs: SQLite keeps NUL text that PostgreSQL refuses, so both
    refuse it here, naming the parameter."""
    bad = [k for k, v in request.query_params.multi_items() if "\x00" in v or "\x00" in k]
    if bad:
        errors = [FieldError(f"#/{k.replace(chr(0), '')}", "contains a NUL character") for k in bad]
        raise Unprocessable("Text may not contain NUL characters.", errors=errors)


class ContainErrors:
    """The outermost middleware of an app: an error no handler answered becomes a 500 problem
    here and goes no further, so the server keeps the connection open (Starlette re-raises it
    to the server, which then closes a keep-alive connection)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if database_unavailable(exc):
                log.warning("database unavailable: %s", exc)
                if not started:
                    response = unavailable_response(scope.get("path"))
                    await response(scope, receive, send)
                return
            log.exception("unhandled error", exc_info=exc)
            if not started:
                body = ProblemError("An unexpected error occurred.").body()
                await send_bytes(send, 500, dumps(body), PROBLEM_MEDIA_TYPE)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(DBAPIError, _on_db_error)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry declaring problem documents for these statuses in the contract."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {s: {"description": _describe(s), "content": content} for s in statuses}


def _describe(status: int) -> str:
    return {
        400: "Bad request",
        401: "Missing or invalid identity token",
        403: "Missing scope",
        404: "Not found",
        409: "Conflict with the current state",
        412: "The If-Match ETag is stale",
        413: "The body is too large",
        422: "Validation error naming the fields",
        428: "If-Match is required",
    }.get(status, "Error")
