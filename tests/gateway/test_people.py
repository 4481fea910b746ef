"""People's tokens verified against a JWKS document: the key is chosen by `kid`, an unknown
`kid` or algorithm is refused, roles become scopes."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chassis.errors import Unauthorized
from gateway.people import PeopleVerifier
from gateway.settings import GatewaySettings


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(*keys: tuple[str, rsa.RSAPrivateKey]) -> str:
    docs = []
    for kid, key in keys:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        docs.append(jwk | {"kid": kid, "alg": "RS256", "use": "sig"})
    return json.dumps({"keys": docs})


def token(key: rsa.RSAPrivateKey, kid: str, settings: GatewaySettings, **claims: object) -> str:
    now = int(time.time())
    body = {
        "sub": "wang.qiang",
        "roles": ["viewer"],
        "iss": settings.idp_issuer,
        "aud": settings.idp_audience,
        "iat": now,
        "exp": now + 300,
    } | claims
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def test_jwks_key_is_chosen_by_kid() -> None:
    old, new = rsa_key(), rsa_key()
    settings = GatewaySettings(idp_public_key=None, idp_jwks=jwks(("2026-a", old), ("2026-b", new)))
    verifier = PeopleVerifier(settings)
    for kid, key in (("2026-a", old), ("2026-b", new)):
        principal = verifier.verify(token(key, kid, settings))
        assert principal.subject == "user:wang.qiang"
        assert principal.scopes == frozenset(settings.role_scopes["viewer"])
    with pytest.raises(Unauthorized):  # signed by one key, claiming the other's kid
        verifier.verify(token(old, "2026-b", settings))
    with pytest.raises(Unauthorized, match="not known"):
        verifier.verify(token(rsa_key(), "2025-z", settings))


def test_unknown_roles_give_no_scopes_and_skew_is_bounded() -> None:
    key = rsa_key()
    settings = GatewaySettings(idp_public_key=None, idp_jwks=jwks(("k", key)), idp_clock_skew=30)
    verifier = PeopleVerifier(settings)
    assert verifier.verify(token(key, "k", settings, roles=["janitor"])).scopes == frozenset()
    now = int(time.time())
    assert verifier.verify(token(key, "k", settings, exp=now - 20)).subject  # within the skew
    with pytest.raises(Unauthorized, match=r"(?i)expired"):
        verifier.verify(token(key, "k", settings, exp=now - 60))
