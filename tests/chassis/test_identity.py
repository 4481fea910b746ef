"""Identity tokens: Ed25519 JWTs signed by the gateway, verified per audience."""

import time
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chassis.devkeys import DEV_PRIVATE_KEY, DEV_PUBLIC_KEY
from chassis.errors import Unauthorized
from chassis.identity import Principal, TokenSigner, TokenVerifier

ALICE = Principal(
    subject="alice",
    kind="partner",
    scopes=frozenset({"dealers:read"}),
    dealer_ids=frozenset({uuid4()}),
)


def other_private_key() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_round_trip_keeps_the_principal() -> None:
    token = TokenSigner(DEV_PRIVATE_KEY).sign(ALICE, "dealers")
    got = TokenVerifier(DEV_PUBLIC_KEY, "dealers").verify(token)
    assert got == ALICE
    assert got.can_act_for(next(iter(ALICE.dealer_ids)))
    assert not got.can_act_for(uuid4())


def test_wrong_audience_is_refused() -> None:
    token = TokenSigner(DEV_PRIVATE_KEY).sign(ALICE, "regions")
    with pytest.raises(Unauthorized, match=r"(?i)audience"):
        TokenVerifier(DEV_PUBLIC_KEY, "dealers").verify(token)


def test_expired_token_is_refused() -> None:
    token = TokenSigner(DEV_PRIVATE_KEY, ttl=60).sign(ALICE, "dealers", now=time.time() - 120)
    with pytest.raises(Unauthorized, match=r"(?i)expired"):
        TokenVerifier(DEV_PUBLIC_KEY, "dealers").verify(token)


def test_token_signed_by_another_key_is_refused() -> None:
    token = TokenSigner(other_private_key()).sign(ALICE, "dealers")
    with pytest.raises(Unauthorized, match=r"[Ss]ignature"):
        TokenVerifier(DEV_PUBLIC_KEY, "dealers").verify(token)


def test_unsigned_and_hs256_tokens_are_refused() -> None:
    claims = ALICE.claims() | {
        "iss": "ars-gateway",
        "aud": "dealers",
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
    }
    verifier = TokenVerifier(DEV_PUBLIC_KEY, "dealers")
    for token in (
        jwt.encode(claims, None, algorithm="none"),
        jwt.encode(claims, "k" * 32, algorithm="HS256"),
    ):
        with pytest.raises(Unauthorized):
            verifier.verify(token)


def test_wrong_issuer_is_refused() -> None:
    claims = ALICE.claims() | {
        "iss": "someone",
        "aud": "dealers",
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
    }
    key = serialization.load_pem_private_key(DEV_PRIVATE_KEY.encode(), None)
    token = jwt.encode(claims, key, algorithm="EdDSA")  # type: ignore[arg-type]
    with pytest.raises(Unauthorized, match=r"(?i)issuer"):
        TokenVerifier(DEV_PUBLIC_KEY, "dealers").verify(token)


def test_garbage_is_refused() -> None:
    with pytest.raises(Unauthorized):
        TokenVerifier(DEV_PUBLIC_KEY, "dealers").verify("not.a.token")
