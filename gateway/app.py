"""The gateway's ASGI app: local routes (health, readiness, merged contract, docs) and the proxy."""

import asyncio
import logging
from typing import Any

import aiohttp
from fastapi.openapi.docs import get_swagger_ui_html

from chassis.asgi import Receive, Scope, Send, send_bytes
from chassis.errors import NotFound, ProblemError, Unauthorized
from chassis.identity import Principal, TokenSigner
from chassis.jsonutil import dumps
from chassis.observability import Metrics, ObservabilityMiddleware, configure_logging
from gateway.contracts import (
    all_scopes,
    collection_of,
    load_contracts,
    merged_openapi,
    routing_table,
)
from gateway.proxy import TokenCache, Upstream, proxy, send_problem
from gateway.settings import GatewaySettings

VERSION = "0.1.0"
log = logging.getLogger("gateway")


class Gateway:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        contracts = load_contracts(settings.contracts_dir)
        self.routes = routing_table(contracts)
        self.scopes = all_scopes(contracts)
        self.openapi = dumps(merged_openapi(contracts, title="ARS platform API", version=VERSION))
        self.upstreams = {
            name: Upstream(name, url) for name, url in settings.upstream_urls().items()
        }
        self.tokens = TokenCache(
            TokenSigner(settings.identity_private_key, ttl=settings.identity_ttl)
        )
        self.dev_principal = Principal(
            subject="developer", kind="user", scopes=self.scopes, name="Development user"
        )
        self.local = {
            "/healthz": self._healthz,
            "/readyz": self._readyz,
            "/openapi.json": self._openapi,
            "/docs": self._docs,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        handler = self.local.get(scope["path"])
        try:
            if handler is not None:
                await handler(scope, receive, send)
                return
            upstream = self._route(scope["path"])
            principal = self.authenticate(scope)
            token = self.tokens.token(principal, upstream.name)
            await proxy(scope, receive, send, upstream, token, self.settings.upstream_timeout)
        except ProblemError as exc:
            headers = [(b"www-authenticate", b'Bearer realm="ars"')] if exc.status == 401 else []
            await send_problem(send, exc, scope["path"], headers)

    def _route(self, path: str) -> Upstream:
        segment = collection_of(path)
        service = self.routes.get(segment or "")
        if service is None:
            raise NotFound(f"No API collection serves {path}.")
        return self.upstreams[service]

    def authenticate(self, scope: Scope) -> Principal:
        if self.settings.dev_auth:
            return self.dev_principal
        raise Unauthorized("Authentication is required.")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._open_sessions()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _open_sessions(self) -> None:
        for upstream in self.upstreams.values():
            connector = aiohttp.TCPConnector(
                limit=self.settings.upstream_pool_size,
                ttl_dns_cache=300,
                enable_cleanup_closed=True,
            )
            upstream.session = aiohttp.ClientSession(
                base_url=upstream.url,
                connector=connector,
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding"),
                timeout=aiohttp.ClientTimeout(
                    total=self.settings.upstream_timeout,
                    connect=self.settings.upstream_connect_timeout,
                ),
            )

    async def close(self) -> None:
        for upstream in self.upstreams.values():
            if upstream.session is not None:
                await upstream.session.close()
                upstream.session = None

    async def _healthz(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_bytes(send, 200, b'{"status":"ok"}', "application/json")

    async def _readyz(self, scope: Scope, receive: Receive, send: Send) -> None:
        names = list(self.upstreams)
        results = await asyncio.gather(*(self._upstream_ready(self.upstreams[n]) for n in names))
        states = dict(zip(names, results, strict=True))
        ready = all(state == "ok" for state in states.values())
        body = {"status": "ok" if ready else "not ready", "upstreams": states}
        await send_bytes(send, 200 if ready else 503, dumps(body), "application/json")

    async def _upstream_ready(self, upstream: Upstream) -> str:
        if upstream.session is None:
            return "not started"
        try:
            async with upstream.session.get("/readyz", timeout=aiohttp.ClientTimeout(total=2)) as r:
                return "ok" if r.status == 200 else f"not ready ({r.status})"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"unreachable ({type(exc).__name__})"

    async def _openapi(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_bytes(send, 200, self.openapi, "application/json")

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title="ARS platform API")
        await send_bytes(send, 200, bytes(page.body), "text/html; charset=utf-8")


def route_label(scope: Scope) -> str:
    segment = collection_of(scope["path"])
    return f"/v1/{segment}" if segment else scope["path"]


def create_app(settings: GatewaySettings | None = None) -> Any:
    settings = settings or GatewaySettings()
    configure_logging(settings.log_level)
    gateway = Gateway(settings)
    metrics = Metrics("gateway")
    app = ObservabilityMiddleware(
        gateway, metrics, access_log=settings.access_log, route_label=route_label
    )
    app.gateway = gateway  # type: ignore[attr-defined]
    return app
