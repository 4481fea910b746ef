"""Caller identity inside the platform: the gateway signs a short-lived Ed25519 JWT per upstream
call; services verify it, turn it into a `Principal` and check scopes per route."""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from fastapi import Request, Security
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase

from chassis.errors import Forbidden, Unauthorized

ISSUER = "ars-gateway"
ALGORITHM = "EdDSA"
DEFAULT_TTL = 60
CLOCK_SKEW = 5
PrincipalKind = Literal["user", "erp", "partner", "integration", "service"]
KINDS = frozenset(PrincipalKind.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Principal:
    subject: str
    kind: PrincipalKind
    scopes: frozenset[str] = field(default_factory=frozenset)
    dealer_ids: frozenset[UUID] = field(default_factory=frozenset)
    name: str = ""

    @property
    def is_partner(self) -> bool:
        return self.kind == "partner"

    def can_act_for(self, dealer_id: UUID | None) -> bool:
        """Partners act only for their dealers; everyone else is not restricted by dealer."""
        return not self.is_partner or (dealer_id is not None and dealer_id in self.dealer_ids)

    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.subject,
            "kind": self.kind,
            "scopes": sorted(self.scopes),
            "dealer_ids": sorted(str(d) for d in self.dealer_ids),
            "name": self.name,
        }

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Principal":
        kind = claims.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown principal kind {kind!r}")
        return cls(
            subject=str(claims["sub"]),
            kind=cast(PrincipalKind, kind),
            scopes=frozenset(claims.get("scopes", ())),
            dealer_ids=frozenset(UUID(d) for d in claims.get("dealer_ids", ())),
            name=str(claims.get("name", "")),
        )


class TokenSigner:
    """Signs identity tokens; the gateway holds the only private key."""

    def __init__(self, private_key_pem: str, *, ttl: int = DEFAULT_TTL) -> None:
        key = load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the identity signing key must be an Ed25519 private key")
        self._key = key
        self.ttl = ttl

    def sign(self, principal: Principal, audience: str, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = principal.claims() | {
            "iss": ISSUER,
            "aud": audience,
            "iat": issued,
            "exp": issued + self.ttl,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)


class TokenVerifier:
    """Verifies identity tokens for one audience, caching each verified token until it expires."""

    MAX_CACHE = 10_000

    def __init__(self, public_key_pem: str, audience: str) -> None:
        key = load_pem_public_key(public_key_pem.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the identity verification key must be an Ed25519 public key")
        self._key = key
        self.audience = audience
        self._cache: dict[str, tuple[Principal, float]] = {}

    def verify(self, token: str) -> Principal:
        now = time.time()
        hit = self._cache.get(token)
        if hit is not None and hit[1] + CLOCK_SKEW > now:
            return hit[0]
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=ISSUER,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            principal = Principal.from_claims(claims)
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized(f"Invalid identity token: {exc}") from exc
        if len(self._cache) >= self.MAX_CACHE:
            self._cache.clear()
        self._cache[token] = (principal, float(claims["exp"]))
        return principal


def bearer_token(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token:
                return token.strip()
    return None


class ScopeGuard(SecurityBase):
    """A route dependency that declares the identity bearer scheme with its scopes in the
    contract and, when called, gives the caller's `Principal` once `check` admits it (the
    middleware has already verified the token).

    By default a caller needs every scope named. A guard with another rule (say, "admins, or an
    API client acting on its own records") subclasses this and overrides `check`, raising
    `Forbidden`; `guard()` turns it into the route's parameter type."""

    def __init__(self, scopes: tuple[str, ...]) -> None:
        self.model = HTTPBearerModel(
            description="The gateway's identity token (callers use the gateway's own credentials)."
        )
        self.scheme_name = "identity"
        self.scopes = scopes

    def check(self, principal: "Principal") -> None:
        """Raise `Forbidden` unless the caller may pass."""
        missing = [s for s in self.scopes if s not in principal.scopes]
        if missing:
            raise Forbidden(f"Missing scope: {', '.join(missing)}", missing_scopes=missing)

    async def __call__(self, request: Request) -> "Principal":
        principal = current_principal(request)
        self.check(principal)
        return principal


class AnyScopeGuard(ScopeGuard):
    """Admits a caller holding the first scope or any of the `alternatives`: the contract
    declares the first (what people and partners are given); the alternatives are narrower
    grants, such as a peer service's `<service>:events`."""

    def __init__(self, scope: str, *alternatives: str) -> None:
        super().__init__((scope,))
        self.alternatives = alternatives

    def check(self, principal: "Principal") -> None:
        if not any(s in principal.scopes for s in self.alternatives):
            super().check(principal)


def current_principal(request: Request) -> Principal:
    principal = request.scope.get("state", {}).get("principal")
    if not isinstance(principal, Principal):
        raise Unauthorized("An identity token is required.")
    return principal


def require_any_scope(scope: str, *alternatives: str) -> Any:
    """A dependency giving the caller's Principal once it holds `scope` or an alternative."""
    return guard(AnyScopeGuard(scope, *alternatives))


def guard(scope_guard: ScopeGuard) -> Any:
    """The dependency a route declares, `Annotated[Principal, guard(MyGuard(...))]`: the guard
    runs before the route and its scopes appear in the contract."""
    return Security(scope_guard, scopes=list(scope_guard.scopes))


def require_scopes(*scopes: str) -> Any:
    """A dependency giving the caller's Principal once it holds every scope named."""
    return guard(ScopeGuard(scopes))
