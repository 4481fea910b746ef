"""The gateway's ASGI app: authentication, rate limits, audit, the admin API, local routes
(health, readiness, merged contract, docs, the services' event catalogues) and the proxy to the
services."""

import asyncio
import logging
from functools import partial
from typing import Any

import aiohttp
from starlette.middleware.cors import CORSMiddleware

from chassis.asgi import Message, Receive, Scope, Send, send_bytes
from chassis.db import Database
from chassis.errors import (
    PROBLEM_MEDIA_TYPE,
    ContainErrors,
    NotFound,
    ProblemError,
    TooManyRequests,
    generic_problem,
)
from chassis.identity import Principal, TokenSigner
from chassis.jsonutil import dumps
from chassis.observability import (
    Metrics,
    ObservabilityMiddleware,
    configure_logging,
    request_id_var,
)
from gateway.admin.app import admin_contract, create_admin_app
from gateway.audit import AuditLog, worth_auditing
from gateway.authentication import Authenticator
from gateway.clientaddress import client_address, networks
from gateway.contracts import (
    all_scopes,
    collection_of,
    load_contracts,
    load_event_documents,
    merged_openapi,
    routing_table,
)
from gateway.headers import DOCS_ASSETS, DOCS_ASSETS_DIR, SecurityHeaders, docs_page
from gateway.keys import KeyStore
from gateway.people import PeopleVerifier
from gateway.proxy import TokenCache, Upstream, proxy, send_problem
from gateway.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from gateway.settings import GatewaySettings, Limit
from gateway.webhooks.dispatcher import Dispatcher

VERSION = "0.1.0"
TITLE = "ARS platform API"
log = logging.getLogger("gateway")
LOCAL_METHODS = ("GET", "HEAD")


class Gateway:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.keys = KeyStore(self.db, settings.key_cache_seconds)
        self.people = PeopleVerifier(settings)
        self.audit = AuditLog(self.db)
        self.limiter: RateLimiter = (
            RedisRateLimiter(settings.redis_url) if settings.redis_url else MemoryRateLimiter()
        )
        self.admin = create_admin_app(self.db, self.keys, self.audit)
        self.admin_contract = admin_contract(self.admin)
        contracts = load_contracts(settings.contracts_dir) | {"gateway": self.admin_contract}
        self.routes = routing_table(contracts)
        self.scopes = all_scopes(contracts)
        self.openapi = dumps(merged_openapi(contracts, title=TITLE, version=VERSION))
        self.docs, self.docs_policy = docs_page(TITLE)
        self._assets: dict[str, bytes] = {}
        self.trusted_proxies = networks(settings.trusted_proxies)
        self.upstreams = {
            name: Upstream(name, url) for name, url in settings.upstream_urls().items()
        }
        self.tokens = TokenCache(
            TokenSigner(settings.identity_private_key, ttl=settings.identity_ttl)
        )
        self.webhooks = Dispatcher(settings, self.db, self.upstreams, self.tokens)
        self.dev_principal = Principal(
            subject="developer", kind="user", scopes=self.scopes, name="Development user"
        )
        self.authenticator = Authenticator(
            settings, self.keys, self.people, self.limiter, self.dev_principal
        )
        self.local = {
            "/healthz": self._healthz,
            "/readyz": self._readyz,
            "/openapi.json": self._openapi,
            "/docs": self._docs,
        } | {path: self._docs_asset for path in DOCS_ASSETS}
        for name, document in load_event_documents(settings.contracts_dir).items():
            self.local[f"/asyncapi/{name}.json"] = partial(_json_document, document)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        handler = self.local.get(scope["path"])
        if handler is None:
            await self._api(scope, receive, send)
        elif scope["method"] in LOCAL_METHODS:
            await handler(scope, receive, send)
        else:
            body = generic_problem(405, f"{scope['path']} answers {' and '.join(LOCAL_METHODS)}.")
            allow = [(b"allow", ", ".join(LOCAL_METHODS).encode())]
            await send_bytes(send, 405, dumps(body), PROBLEM_MEDIA_TYPE, allow)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal: Principal | None = None
        extra: list[tuple[bytes, bytes]] = []
        status = 500
        detail: str | None = None
        authenticated = False
        address = client_address(scope, self.trusted_proxies)

        async def send_with_limits(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            service = self._route(scope["path"])
            principal, own_limit = await self.authenticator.authenticate(scope, address)
            authenticated = True
            if principal is not self.dev_principal:
                extra += await self._rate_limit(principal, own_limit)
            if service == "gateway":
                scope.setdefault("state", {})["principal"] = principal
                await self.admin(scope, receive, send_with_limits)
            else:
                upstream = self.upstreams[service]
                token = self.tokens.token(principal, upstream.name)
                await proxy(scope, receive, send_with_limits, upstream, token, address)
        except ProblemError as exc:
            headers = list(exc.extra.pop("headers", []))
            if exc.status == 401:
                headers.append((b"www-authenticate", b'Bearer realm="ars"'))
            await send_problem(send_with_limits, exc, scope["path"], headers)
            detail = exc.detail
        # every write, every 401/403, and every request refused before it had a caller
        if worth_auditing(scope["method"], status) or (not authenticated and status != 404):
            self.audit.record(
                request_id=request_id_var.get(),
                principal=principal,
                method=scope["method"],
                path=scope["path"],
                status=status,
                detail=detail,
                client_ip=address,
            )

    def _route(self, path: str) -> str:
        service = self.routes.get(collection_of(path) or "")
        if service is None:
            raise NotFound(f"No API collection serves {path}.")
        return service

    async def _rate_limit(
        self, principal: Principal, own: Limit | None
    ) -> list[tuple[bytes, bytes]]:
        client = (
            own
            or self.settings.rate_limits.get(principal.kind)
            or self.settings.rate_limits["user"]
        )
        decision = await self.limiter.hit(principal.subject, client)
        if not decision.allowed:
            raise TooManyRequests(
                f"Rate limit of {client.rate:g}/s (burst {client.burst}) exceeded; "
                f"retry in {decision.retry_after:.1f} s.",
                headers=decision.headers(),
            )
        return decision.headers()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._open_sessions()
                self.audit.start()
                if self.settings.webhooks_enabled:
                    self.webhooks.start()
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
                    total=self.settings.upstream_timeouts.get(
                        upstream.name, self.settings.upstream_timeout
                    ),
                    connect=self.settings.upstream_connect_timeout,
                ),
            )

    async def close(self) -> None:
        await self.webhooks.stop()
        for upstream in self.upstreams.values():
            if upstream.session is not None:
                await upstream.session.close()
                upstream.session = None
        await self.audit.stop()
        if isinstance(self.limiter, RedisRateLimiter):
            await self.limiter.close()
        await self.db.dispose()

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
        await send_bytes(send, 200, self.docs, "text/html; charset=utf-8")

    async def _docs_asset(self, scope: Scope, receive: Receive, send: Send) -> None:
        name, media_type = DOCS_ASSETS[scope["path"]]
        if name not in self._assets:
            self._assets[name] = await asyncio.to_thread((DOCS_ASSETS_DIR / name).read_bytes)
        await send_bytes(send, 200, self._assets[name], media_type)


async def _json_document(body: bytes, scope: Scope, receive: Receive, send: Send) -> None:
    await send_bytes(send, 200, body, "application/json")


def route_label(scope: Scope) -> str:
    segment = collection_of(scope["path"])
    return f"/v1/{segment}" if segment else scope["path"]


def create_app(settings: GatewaySettings | None = None) -> Any:
    settings = settings or GatewaySettings()
    configure_logging(settings.log_level)
    gateway = Gateway(settings)
    app: Any = gateway
    if settings.cors_origins:
        app = CORSMiddleware(
            app,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Request-ID",
                "X-API-Key",
            ],
            expose_headers=[
                "ETag",
                "Location",
                "X-Request-ID",
                "RateLimit",
                "RateLimit-Policy",
                "Retry-After",
                "Idempotent-Replayed",
            ],
            max_age=600,
        )
    app = ObservabilityMiddleware(
        app, Metrics("gateway"), access_log=settings.access_log, route_label=route_label
    )
    app = SecurityHeaders(ContainErrors(app), gateway.docs_policy)
    app.gateway = gateway
    return app
