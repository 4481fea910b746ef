"""Identity tokens: Ed25519 JWTs signed by the gateway, verified per audience; scope guards."""

import ast
import time
from pathlib import Path
from typing import Annotated, Any
from uuid import uuid4

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request

from chassis.devkeys import DEV_PRIVATE_KEY, DEV_PUBLIC_KEY
from chassis.errors import Forbidden, Unauthorized, install_problem_handlers
from chassis.identity import Principal, ScopeGuard, TokenSigner, TokenVerifier, guard

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


class _OwnRecordsGuard(ScopeGuard):
    """An example of a guard with its own rule: `admin`, or the scope and a partner."""

    def check(self, principal: Principal) -> None:
        if "admin" not in principal.scopes:
            super().check(principal)
            if not principal.is_partner:
                raise Forbidden("partners only")


def _guarded_app() -> FastAPI:
    app = FastAPI()
    Caller = Annotated[Principal, guard(_OwnRecordsGuard(("things:manage",)))]

    @app.get("/things")
    async def things(caller: Caller) -> dict[str, str]:
        return {"subject": caller.subject}

    @app.middleware("http")
    async def as_principal(request: Request, call_next: Any) -> Any:
        scopes = frozenset(request.headers.get("x-scopes", "").split())
        kind = request.headers.get("x-kind", "user")
        request.scope.setdefault("state", {})["principal"] = Principal("p", kind, scopes)  # type: ignore[arg-type]
        return await call_next(request)

    install_problem_handlers(app)
    return app


async def test_a_public_scope_guard_with_its_own_rule() -> None:
    """The guard a module needs when scopes alone don't decide: declared in the contract with
    its scopes, checked by its own rule."""
    app = _guarded_app()
    security = app.openapi()["paths"]["/things"]["get"]["security"]
    assert security == [{"identity": ["things:manage"]}]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        cases = {
            ("admin", "user"): 200,
            ("things:manage", "partner"): 200,
            ("things:manage", "user"): 403,
            ("", "partner"): 403,
        }
        for (scopes, kind), status in cases.items():
            r = await client.get("/things", headers={"x-scopes": scopes, "x-kind": kind})
            assert r.status_code == status, (scopes, kind, r.text)


def test_no_module_imports_a_private_name_of_the_chassis() -> None:
    root = Path(__file__).resolve().parents[2]
    private = []
    for package in ("gateway", "services"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("chassis"):
                    private += [f"{path}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert private == []
