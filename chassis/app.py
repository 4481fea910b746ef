"""The app factory every service uses: middlewares, problem handlers, health, feed and contract."""

import json
import re
import types
import typing
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.convertors import Convertor, UUIDConvertor, register_url_convertor
from starlette.routing import compile_path

from chassis.auth import IdentityMiddleware
from chassis.catalogue import Catalogue
from chassis.consumer import ConsumerSpec
from chassis.consumers import app_consumers
from chassis.contract import add_problem_schema, declare_chassis_headers
from chassis.db import Database
from chassis.errors import (
    ContainErrors,
    install_problem_handlers,
    no_nul_in_query,
    problem_responses,
)
from chassis.etag import BlankIfMatchMiddleware
from chassis.health import health_router
from chassis.idempotency import IdempotencyMiddleware
from chassis.notify import feed_notifier
from chassis.observability import Metrics, ObservabilityMiddleware, configure_logging
from chassis.outbox import feed_router
from chassis.peers import service_verifier
from chassis.settings import BaseServiceSettings
from chassis.tables import ChassisTables


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    description: str
    version: str
    event_path: str
    event_scope: str
    routers: Sequence[APIRouter]
    tables: ChassisTables
    migrations: Path
    consumers: Sequence[ConsumerSpec] = ()  # the other services' feeds this one follows
    catalogue: Catalogue | None = None  # the event types its feed carries (`/asyncapi.json`)


class _OrjsonRequest(Request):
    """A request whose JSON body orjson parses: several times faster than the standard library
    on bulk bodies, and stricter (no NaN, no lone surrogates). Its `JSONDecodeError` is the
    standard library's, so a malformed body is still FastAPI's 422 (located by the chassis'
    handler)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise _not_utf8(body) or exc from None
        return self._json


def _not_utf8(body: bytes) -> json.JSONDecodeError | None:
    """orjson reports bad UTF-8 without a position: find it, as a decode error of the body."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return json.JSONDecodeError(f"the body is not valid UTF-8 (byte {exc.start})", "", 0)
    return None


class OrjsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        creates = "POST" in (self.methods or ()) and COLLECTION.fullmatch(self.path) is not None

        async def route(request: Request) -> Response:
            response = await handler(_OrjsonRequest(request.scope, request.receive))
            if creates and response.status_code == 201:
                _locate(response, self.path)
            return response

        return route


COLLECTION = re.compile(r"/v1/[a-z0-9-]+")


def _locate(response: Response, path: str) -> None:
    """A record created in a collection is read at `<collection>/<id>`: say so in `Location`
    when the route did not (the contract declares it on every such 201)."""
    if "location" in response.headers:
        return
    try:
        created = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        return
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        response.headers["Location"] = f"{path}/{created['id']}"


def resource_router(prefix: str, tag: str) -> APIRouter:
    """A router for one collection: every route on it declares the 401, 403 and 422 problems."""
    return APIRouter(
        prefix=prefix,
        tags=[tag],
        responses=problem_responses(401, 403, 422),
        route_class=OrjsonRoute,
    )


class _IdConvertor(Convertor[str]):
    """A path segment that is a UUID, handed on as text so the route's own type validates it."""

    regex = UUIDConvertor.regex

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("chassis_id", _IdConvertor())


def _path_params(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.path_params
    for sub in dependant.dependencies:
        yield from _path_params(sub)


def _is_uuid(annotation: Any) -> bool:
    """`UUID`, `Annotated[UUID, ...]` or an optional one."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_uuid(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and _is_uuid(args[0])
    return annotation is UUID


def harden_routes(app: FastAPI) -> None:
    """Every `{…}` path parameter typed UUID matches only a UUID: a literal sibling such as
    `/v1/regions/bulk` is then never taken for an id, so `PATCH /v1/regions/bulk` is a 405 listing
    what the path allows, not a 422 about an id. Call once every router is included."""
    _harden(app.router.routes)
    app.router._mark_routes_changed()  # FastAPI rebuilds its route contexts from the new paths


def _harden(routes: Sequence[Any]) -> None:
    for route in routes:
        router = getattr(route, "original_router", None)  # an included router
        if router is not None:
            _harden(router.routes)
            router._mark_routes_changed()
        elif isinstance(route, APIRoute):
            ids = [
                f.alias for f in _path_params(route.dependant) if _is_uuid(f.field_info.annotation)
            ]
            path = route.path
            for name in ids:
                path = path.replace("{" + name + "}", "{" + name + ":chassis_id}")
            if path != route.path:
                route.path = path
                route.path_regex, route.path_format, route.param_convertors = compile_path(path)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: each route declares its own, else its function name."""
    return route.name


def build_app(spec: ServiceSpec, settings: BaseServiceSettings) -> FastAPI:
    configure_logging(settings.log_level)
    db = Database(settings.database_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        consumers = app_consumers(
            app.state,
            spec.consumers,
            service=spec.name,
            settings=settings,
            cursors=spec.tables.cursors,
        )
        consumers.start()
        yield
        await consumers.stop()
        if app.state.feed_notifier is not None:
            await app.state.feed_notifier.close()
        await app.state.db.dispose()

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version=spec.version,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(no_nul_in_query)],
    )
    app.state.db = db
    app.state.settings = settings
    app.state.metrics = Metrics(spec.name)
    app.state.tables = spec.tables
    app.state.feed_notifier = feed_notifier(settings.database_url, spec.tables.outbox.name)
    install_problem_handlers(app)
    app.include_router(health_router(spec.migrations))
    for router in spec.routers:
        app.include_router(router)
    app.include_router(
        feed_router(
            path=spec.event_path, outbox=spec.tables.outbox, scope=spec.event_scope, tag=spec.name
        )
    )
    if spec.catalogue is not None:
        app.include_router(events_document(spec, spec.catalogue))
        # emitted events are checked against it; in tests strictly, so the suite proves it true
        spec.catalogue.watch(db.engine, strict=settings.environment == "test")
    harden_routes(app)
    # Added innermost first: errors are contained outside observability, which wraps identity,
    # which wraps idempotency, which sees the request with a blank If-Match taken out.
    app.add_middleware(BlankIfMatchMiddleware)
    app.add_middleware(
        IdempotencyMiddleware, db=lambda: app.state.db, table=spec.tables.idempotency
    )
    app.add_middleware(
        IdentityMiddleware,
        verifier=service_verifier(settings.identity_public_key, spec.name, settings.peers),
    )
    app.add_middleware(
        ObservabilityMiddleware, metrics=app.state.metrics, access_log=settings.access_log
    )
    app.add_middleware(ContainErrors)
    app.openapi = lambda: contract(app)  # type: ignore[method-assign]
    return app


def events_document(spec: ServiceSpec, catalogue: Catalogue) -> APIRouter:
    """`GET /asyncapi.json`: the AsyncAPI document of the service's feed, open like the OpenAPI
    contract and, like it, left out of the contract itself."""
    if catalogue.feed_path != spec.event_path:
        raise ValueError(f"{spec.name}'s catalogue describes {catalogue.feed_path}")
    router = APIRouter()
    body: list[bytes] = []  # built on the first request, not at every start

    @router.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> Response:
        if not body:
            body.append(orjson.dumps(catalogue.asyncapi(spec.version)))
        return Response(body[0], media_type="application/json")

    return router


def contract(app: FastAPI, *, idempotency_keys: bool = True) -> dict[str, Any]:
    """The OpenAPI document, with the problem schema every error response refers to;
    `idempotency_keys`: the app honours `Idempotency-Key` (as `build_app` makes it)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    add_problem_schema(schema)
    declare_chassis_headers(schema, idempotency_keys=idempotency_keys)
    require_if_match(schema)
    if idempotency_keys:
        declare_too_large(schema)
    app.openapi_schema = schema
    return schema


def declare_too_large(schema: dict[str, Any]) -> None:
    """A POST with a body may answer 413: with an `Idempotency-Key`, a body past what the
    idempotency store keeps."""
    too_large = problem_responses(413)[413]
    for operations in schema.get("paths", {}).values():
        post = operations.get("post", {})
        if "requestBody" in post:
            post.setdefault("responses", {}).setdefault("413", too_large)


def require_if_match(schema: dict[str, Any]) -> None:
    """An operation that answers 428 without `If-Match` declares the header required; where it
    declares no 428 (a transition) the header stays optional."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if "428" not in operation.get("responses", {}):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter["name"].lower() == "if-match":
                    parameter["required"] = True
                    schema = parameter.get("schema", {})
                    given = [c for c in schema.get("anyOf", []) if c.get("type") != "null"]
                    if len(given) == 1:  # required: a value, never null
                        rest = {k: v for k, v in schema.items() if k != "anyOf"}
                        parameter["schema"] = given[0] | rest
