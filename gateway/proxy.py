"""The reverse proxy: one aiohttp session per upstream, bodies streamed both ways, the caller's
identity replaced by a short-lived token signed for the upstream."""

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp

from chassis.asgi import Receive, Scope, Send, send_bytes
from chassis.errors import PROBLEM_MEDIA_TYPE, ProblemError
from chassis.identity import Principal, TokenSigner
from chassis.jsonutil import dumps

log = logging.getLogger("gateway.proxy")

# RFC 9110 §7.6.1 hop-by-hop headers, plus the ones the gateway sets itself.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"content-length",
    }
)
# Identity the caller may try to smuggle in; only the gateway speaks for a caller.
STRIPPED = HOP_BY_HOP | {b"authorization", b"cookie", b"x-api-key", b"forwarded"}
STRIPPED_PREFIXES = (b"x-ars-", b"x-forwarded-")
RESPONSE_DROP = HOP_BY_HOP | {b"server", b"date"}
SMALL_BODY = 256 * 1024


class UpstreamProblem(ProblemError):
    def __init__(self, status: int, slug: str, title: str, detail: str, upstream: str) -> None:
        super().__init__(detail, upstream=upstream)
        self.status, self.slug, self.title = status, slug, title


@dataclass
class Upstream:
    name: str
    url: str
    session: aiohttp.ClientSession | None = None


class TokenCache:
    """Identity tokens reused until shortly before they expire: signing is the costly part."""

    def __init__(self, signer: TokenSigner, margin: float = 15.0) -> None:
        self.signer = signer
        self.margin = margin
        self._tokens: dict[tuple[Principal, str], tuple[str, float]] = {}

    def token(self, principal: Principal, audience: str) -> str:
        now = time.time()
        key = (principal, audience)
        hit = self._tokens.get(key)
        if hit is not None and hit[1] > now:
            return hit[0]
        if len(self._tokens) > 50_000:
            self._tokens.clear()
        token = self.signer.sign(principal, audience, now=now)
        self._tokens[key] = (token, now + self.signer.ttl - self.margin)
        return token


def forward_headers(scope: Scope, token: str, client: str) -> list[tuple[str, str]]:
    """The caller's headers without identity, plus the gateway's token and the client address
    the gateway determined (never the caller's own `X-Forwarded-For`)."""
    out = [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in scope["headers"]
        if k not in STRIPPED and not k.startswith(STRIPPED_PREFIXES)
    ]
    out.append(("authorization", f"Bearer {token}"))
    out.append(("x-forwarded-for", client))
    out.append(("x-forwarded-proto", scope.get("scheme", "http")))
    return out


async def _body_stream(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def _request_body(scope: Scope, receive: Receive) -> bytes | AsyncIterator[bytes] | None:
    if scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS"):
        return None
    message = await receive()
    first = message.get("body", b"")
    if not message.get("more_body", False):
        return first
    rest = _body_stream(receive)

    async def chained() -> AsyncIterator[bytes]:
        yield first
        async for chunk in rest:
            yield chunk

    return chained()


async def proxy(
    scope: Scope, receive: Receive, send: Send, upstream: Upstream, token: str, client: str
) -> None:
    """Forward one request; the session's own timeout bounds it."""
    assert upstream.session is not None, "gateway lifespan did not start"
    path = scope["raw_path"].decode("latin-1") if scope.get("raw_path") else scope["path"]
    if scope.get("query_string"):
        path = f"{path}?{scope['query_string'].decode('latin-1')}"
    body = await _request_body(scope, receive)
    started = False
    try:
        async with upstream.session.request(
            scope["method"],
            path,
            headers=forward_headers(scope, token, client),
            data=body,
            allow_redirects=False,
        ) as resp:
            headers = [(k, v) for k, v in resp.raw_headers if k.lower() not in RESPONSE_DROP]
            if resp.content_length is not None and resp.content_length <= SMALL_BODY:
                payload = await resp.read()
                headers.append((b"content-length", str(len(payload)).encode()))
                await send(
                    {"type": "http.response.start", "status": resp.status, "headers": headers}
                )
                await send({"type": "http.response.body", "body": payload})
                return
            await send({"type": "http.response.start", "status": resp.status, "headers": headers})
            started = True
            async for chunk in resp.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
    except (aiohttp.ClientError, TimeoutError) as exc:
        if started:  # the status line is gone: all that is left is to cut the response short
            log.warning("upstream %s failed mid-response: %s", upstream.name, exc)
            await send({"type": "http.response.body", "body": b""})
            return
        raise _upstream_problem(exc, upstream.name) from None


def _upstream_problem(exc: BaseException, name: str) -> UpstreamProblem:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return UpstreamProblem(
            503, "upstream-unavailable", "Service Unavailable",
            f"The {name} service is unavailable.", name,
        )  # fmt: skip
    if isinstance(exc, TimeoutError):
        return UpstreamProblem(
            504, "upstream-timeout", "Gateway Timeout",
            f"The {name} service did not answer in time.", name,
        )  # fmt: skip
    return UpstreamProblem(
        502, "bad-gateway", "Bad Gateway", f"The {name} service failed: {type(exc).__name__}.", name
    )


async def send_problem(
    send: Send, exc: ProblemError, instance: str, headers: list[tuple[bytes, bytes]] = []
) -> None:
    await send_bytes(send, exc.status, dumps(exc.body(instance)), PROBLEM_MEDIA_TYPE, headers)
