"""Who is calling: exactly one credential (a person's bearer JWT or an API key, as a bearer token
or in `X-API-Key`), verified; failed attempts are limited per client address."""

from dataclasses import dataclass

from chassis.asgi import Scope
from chassis.errors import BadRequest, TooManyRequests, Unauthorized
from chassis.identity import Principal
from gateway.keys import KeyStore, looks_like_key
from gateway.people import PeopleVerifier
from gateway.ratelimit import RateLimiter
from gateway.settings import GatewaySettings, Limit

API_KEY_HEADER = b"x-api-key"
AUTHORIZATION = b"authorization"
FAILURES_KEY = "auth-failures:"


@dataclass(frozen=True)
class Credential:
    kind: str  # "bearer", "api-key" or the name of another Authorization scheme
    value: str


def credentials(scope: Scope) -> list[Credential]:
    """Every credential the request carries; blank headers carry none."""
    found = []
    for name, raw in scope.get("headers", ()):
        value = raw.decode("latin-1").strip()
        if not value:
            continue
        if name == AUTHORIZATION:
            scheme, _, token = value.partition(" ")
            kind = "bearer" if scheme.lower() == "bearer" else scheme
            if kind != "bearer" or token.strip():
                found.append(Credential(kind, token.strip()))
        elif name == API_KEY_HEADER:
            found.append(Credential("api-key", value))
    return found


def _described(found: list[Credential]) -> str:
    names = {"bearer": "a bearer token", "api-key": "an X-API-Key"}
    return ", ".join(names.get(c.kind, f"an Authorization {c.kind}") for c in found)


class AmbiguousCredentials(BadRequest):
    """More than one credential: which caller would the request act as? None of them."""

    slug = "ambiguous-credentials"


class Authenticator:
    def __init__(
        self,
        settings: GatewaySettings,
        keys: KeyStore,
        people: PeopleVerifier,
        limiter: RateLimiter,
        dev_principal: Principal,
    ) -> None:
        self.settings = settings
        self.keys = keys
        self.people = people
        self.limiter = limiter
        self.dev_principal = dev_principal

    async def authenticate(self, scope: Scope, address: str) -> tuple[Principal, Limit | None]:
        """The caller and its own rate limit when it has one. A credential that fails counts
        against the client address; past the limit a failure is a 429, not a 401."""
        found = credentials(scope)
        if len(found) > 1:
            raise AmbiguousCredentials(
                f"Send one credential; this request carries {_described(found)}."
            )
        if not found:
            if self.settings.dev_auth:
                return self.dev_principal, None
            raise Unauthorized("Authentication is required: a bearer token or an API key.")
        try:
            return await self._verify(found[0])
        except Unauthorized:
            await self._count_failure(address)
            raise

    async def _verify(self, credential: Credential) -> tuple[Principal, Limit | None]:
        if credential.kind not in ("bearer", "api-key"):
            raise Unauthorized(
                f"The Authorization scheme {credential.kind!r} is not accepted: send a bearer "
                "token or an API key."
            )
        if looks_like_key(credential.value):
            client = await self.keys.verify(credential.value)
            return client.principal, client.limit
        if credential.kind == "api-key":
            raise Unauthorized("The API key is not valid (unknown, revoked, expired or inactive).")
        return self.people.verify(credential.value), None

    async def _count_failure(self, address: str) -> None:
        limit = self.settings.auth_failure_limit
        decision = await self.limiter.hit(FAILURES_KEY + address, limit)
        if not decision.allowed:
            raise TooManyRequests(
                f"Too many failed authentications from {address}; retry in "
                f"{max(1, round(decision.retry_after))} s.",
                headers=[h for h in decision.headers() if h[0] == b"retry-after"],
            )
