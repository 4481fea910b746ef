"""How a service proves who it is to another: it signs short-lived tokens with its own Ed25519
key (`iss` = its name, audience = the service it calls); the receiver trusts a peer's public key,
and grants it scopes, only as configured on the receiver."""

import base64
import hashlib
import time
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_der_public_key,
    load_pem_private_key,
    load_pem_public_key,
)
from pydantic import BaseModel, ConfigDict

from chassis.errors import Unauthorized
from chassis.identity import ALGORITHM, CLOCK_SKEW, ISSUER, Principal, TokenVerifier

PEER_TTL = 60
MAX_PEER_TTL = 120  # a receiver refuses peer tokens meant to live longer
_DEV_SEED = "ars-development-service-key:"


def _dev_private(name: str) -> Ed25519PrivateKey:
    # Public on purpose, like the development identity key: anyone can derive it, production
    # refuses it. One per service name, so no service can pass for another in development.
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"{_DEV_SEED}{name}".encode()).digest()
    )


def dev_service_private_key(name: str) -> str:
    """The development private key (PEM) of the service called `name`."""
    pem = _dev_private(name).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return pem.decode()


def dev_service_public_key(name: str) -> str:
    """The development public key (PEM) of the service called `name`."""
    return public_pem(_dev_private(name).public_key())


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def public_key_line(key: Ed25519PublicKey) -> str:
    """A public key as the one base64 line of its PEM: fits in JSON and `.env` files."""
    return base64.b64encode(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM or from the one base64 line of its PEM."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key: Any = load_pem_public_key(text.encode())
    else:
        key = load_der_public_key(base64.b64decode(text, validate=True))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("a peer's public key must be an Ed25519 key")
    return key


def load_private_key(pem: str) -> Ed25519PrivateKey:
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("a service's private key must be an Ed25519 key")
    return key


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def is_dev_service_key(text: str, name: str) -> bool:
    """Whether `text` (a private or public key, PEM or one line) is `name`'s development key.
    Text that is no key at all is not a development key; loading it fails later, loudly."""
    dev = _raw(_dev_private(name).public_key())
    try:
        if "PRIVATE KEY" in text:
            return _raw(load_private_key(text).public_key()) == dev
        return _raw(load_public_key(text)) == dev
    except (ValueError, TypeError):
        return False


class PeerGrant(BaseModel):
    """What a receiver grants one peer: the key its tokens must be signed with and the scopes
    they carry here. Nothing the peer writes in its token adds to them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    public_key: str | None = None  # PEM or one line; none: the peer's development key
    scopes: frozenset[str] = frozenset()


class PeerSigner:
    """Signs this service's tokens for the services it calls, reusing each until shortly
    before it expires."""

    def __init__(self, private_key_pem: str, issuer: str, *, ttl: int = PEER_TTL) -> None:
        self._key = load_private_key(private_key_pem)
        self.issuer = issuer
        self.ttl = ttl
        self._tokens: dict[str, tuple[str, float]] = {}

    def token(self, audience: str) -> str:
        now = time.time()
        hit = self._tokens.get(audience)
        if hit is not None and hit[1] > now:
            return hit[0]
        issued = int(now)
        claims = {
            "iss": self.issuer,
            "sub": f"service:{self.issuer}",
            "kind": "service",
            "aud": audience,
            "iat": issued,
            "exp": issued + self.ttl,
        }
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
        self._tokens[audience] = (token, now + self.ttl * 0.75)
        return token


def _issuer(token: str) -> str | None:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


class PeerAwareVerifier(TokenVerifier):
    """Admits the gateway's tokens as before, and tokens a configured peer signed with its own
    key for this service; a peer holds exactly the scopes granted to it here."""

    def __init__(
        self,
        public_key_pem: str,
        audience: str,
        peers: Mapping[str, Ed25519PublicKey],
        grants: Mapping[str, frozenset[str]],
    ) -> None:
        super().__init__(public_key_pem, audience)
        self._peers = dict(peers)
        self._grants = dict(grants)

    def verify(self, token: str) -> Principal:
        hit = self._cache.get(token)
        if hit is not None and hit[1] + CLOCK_SKEW > time.time():
            return hit[0]
        issuer = _issuer(token)
        if issuer is None or issuer not in self._peers:
            return super().verify(token)
        try:
            claims = jwt.decode(
                token,
                self._peers[issuer],
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=issuer,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
            if float(claims["exp"]) - float(claims["iat"]) > MAX_PEER_TTL:
                raise ValueError(f"a peer token may live {MAX_PEER_TTL} s at most")
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized(f"Invalid identity token: {exc}") from exc
        principal = Principal(
            subject=f"service:{issuer}",
            kind="service",
            scopes=self._grants[issuer],
            name=f"{issuer} service",
        )
        if len(self._cache) >= self.MAX_CACHE:
            self._cache.clear()
        self._cache[token] = (principal, float(claims["exp"]))
        return principal


def service_verifier(
    public_key_pem: str, audience: str, peers: Mapping[str, PeerGrant]
) -> TokenVerifier:
    """The verifier of a service: the gateway's key, and each configured peer's."""
    if not peers:
        return TokenVerifier(public_key_pem, audience)
    keys = {
        name: load_public_key(grant.public_key or dev_service_public_key(name))
        for name, grant in peers.items()
    }
    grants = {name: grant.scopes for name, grant in peers.items()}
    return PeerAwareVerifier(public_key_pem, audience, keys, grants)


def check_peers(peers: Mapping[str, PeerGrant], own_name: str, *, production: bool) -> None:
    """Refuse a peer configuration that would let the wrong party in (raises ValueError)."""
    for name, grant in peers.items():
        if name in (ISSUER, own_name) or not name:
            raise ValueError(f"peers: {name!r} can't be a peer of {own_name or 'this service'}")
        if production and (grant.public_key is None or is_dev_service_key(grant.public_key, name)):
            raise ValueError(
                f"peers.{name}.public_key is the development key; set the peer's real public key "
                "in production"
            )
