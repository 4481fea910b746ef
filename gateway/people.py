"""People: bearer JWTs from the company's identity provider, verified against a PEM key or a
JWKS document; roles in the token map to scopes through the settings' table."""

import json
import time
from typing import Any

import jwt

from chassis.errors import Unauthorized
from chassis.identity import Principal
from gateway.settings import GatewaySettings


class PeopleVerifier:
    MAX_CACHE = 20_000

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self._keys = self._load_keys(settings)
        self._cache: dict[str, tuple[Principal, float]] = {}

    @staticmethod
    def _load_keys(settings: GatewaySettings) -> dict[str | None, Any]:
        text = settings.idp_jwks
        if settings.idp_jwks_file is not None:
            text = settings.idp_jwks_file.read_text()
        if text:
            keys = jwt.PyJWKSet.from_dict(json.loads(text)).keys
            return {k.key_id: k for k in keys}
        if settings.idp_public_key:
            return {None: settings.idp_public_key}
        return {}

    def verify(self, token: str) -> Principal:
        now = time.time()
        hit = self._cache.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        claims = self._decode(token)
        principal = Principal(
            subject=f"user:{claims['sub']}",
            kind="user",
            scopes=self._scopes(claims),
            name=str(claims.get("name", claims["sub"])),
        )
        if len(self._cache) >= self.MAX_CACHE:
            self._cache.clear()
        self._cache[token] = (principal, float(claims["exp"]))
        return principal

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            key = self._keys.get(header.get("kid")) or self._keys.get(None)
            if key is None:
                raise Unauthorized("The token's signing key is not known.")
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=self.settings.idp_algorithms,
                audience=self.settings.idp_audience,
                issuer=self.settings.idp_issuer,
                leeway=self.settings.idp_clock_skew,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            return claims
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"Invalid bearer token: {exc}") from exc

    def _scopes(self, claims: dict[str, Any]) -> frozenset[str]:
        roles = claims.get("roles", [])
        if isinstance(roles, str):
            roles = [roles]
        table = self.settings.role_scopes
        return frozenset(s for role in roles if isinstance(role, str) for s in table.get(role, ()))


def mint_person_token(
    private_key_pem: str,
    settings: GatewaySettings,
    *,
    subject: str,
    roles: list[str],
    name: str = "",
    ttl: int = 3600,
    now: float | None = None,
) -> str:
    """A token as the identity provider would issue it (development and tests)."""
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": subject,
        "name": name or subject,
        "roles": roles,
        "iss": settings.idp_issuer,
        "aud": settings.idp_audience,
        "iat": issued,
        "exp": issued + ttl,
    }
    return jwt.encode(claims, private_key_pem, algorithm="EdDSA")
