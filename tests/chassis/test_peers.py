"""How a service proves who it is to another: a token it signs with its own key, for one
audience, holding only what the receiver grants it; production refuses development keys."""

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pydantic import ValidationError

from chassis.cli import main
from chassis.devkeys import DEV_PRIVATE_KEY
from chassis.peers import (
    PeerGrant,
    PeerSigner,
    dev_service_private_key,
    dev_service_public_key,
    load_private_key,
    load_public_key,
    public_key_line,
    public_pem,
)
from services.regions.app import create_app
from services.regions.settings import MIGRATIONS, RegionsSettings
from tests.harness import Databases, rolled_back

FEED = "/v1/region-events"
GATEWAY_KEY = public_pem(
    Ed25519PrivateKey.generate().public_key()
)  # a real one, as production needs


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def dealers_token(audience: str = "regions", key: str | None = None) -> str:
    return PeerSigner(key or dev_service_private_key("dealers"), "dealers").token(audience)


@pytest.fixture(scope="session")
async def regions_with_peers(databases: Databases) -> AsyncIterator[Any]:
    """The regions service granting dealers its feed alone (development keys)."""
    made: dict[str, Any] = {}

    async def get(backend: str) -> Any:
        if backend not in made:
            url = await databases.url("regions", backend, "peers")
            settings = RegionsSettings(
                database_url=url,
                environment="test",
                access_log=False,
                log_level="WARNING",
                peers={"dealers": PeerGrant(scopes=frozenset({"regions:events"}))},
            )
            made[backend] = create_app(settings)
        return made[backend]

    yield get
    for app in made.values():
        await app.state.db.dispose()


@pytest.fixture
async def regions_app(backend: str, regions_with_peers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with rolled_back(await regions_with_peers(backend), "regions") as client:
        yield client


async def test_a_peer_reads_the_feed_it_was_granted_and_nothing_else(
    regions_app: httpx.AsyncClient,
) -> None:
    token = bearer(dealers_token())
    r = await regions_app.get(FEED, headers=token)
    assert r.status_code == 200, r.text
    listed = await regions_app.get("/v1/regions", headers=token)
    assert listed.status_code == 403
    assert listed.json()["missing_scopes"] == ["regions:read"]
    body = {"code": "510000", "name": "四川省", "level": "province"}
    assert (await regions_app.post("/v1/regions", json=body, headers=token)).status_code == 403


async def test_a_peer_cannot_grant_itself_more(regions_app: httpx.AsyncClient) -> None:
    """Scopes written into the token count for nothing: the receiver's grant decides."""
    now = int(time.time())
    claims = {
        "iss": "dealers",
        "sub": "service:dealers",
        "kind": "service",
        "aud": "regions",
        "iat": now,
        "exp": now + 60,
        "scopes": ["regions:read", "regions:write"],
    }
    token = jwt.encode(claims, load_private_key(dev_service_private_key("dealers")), "EdDSA")
    assert (await regions_app.get("/v1/regions", headers=bearer(token))).status_code == 403


@pytest.mark.parametrize(
    "case", ["unknown key", "unknown issuer", "other audience", "expired", "long-lived", "garbage"]
)
async def test_tokens_a_peer_did_not_sign_for_this_service_are_refused(
    regions_app: httpx.AsyncClient, case: str
) -> None:
    stranger = _pem(Ed25519PrivateKey.generate())
    now = int(time.time())
    dealers = load_private_key(dev_service_private_key("dealers"))
    token = {
        "unknown key": lambda: dealers_token(key=stranger),
        "unknown issuer": lambda: PeerSigner(stranger, "billing").token("regions"),
        "other audience": lambda: dealers_token("advisors"),
        "expired": lambda: jwt.encode(
            {"iss": "dealers", "aud": "regions", "iat": now - 600, "exp": now - 300},
            dealers,
            "EdDSA",
        ),
        "long-lived": lambda: jwt.encode(
            {"iss": "dealers", "aud": "regions", "iat": now, "exp": now + 3600}, dealers, "EdDSA"
        ),
        "garbage": lambda: "not.a.token",
    }[case]()
    r = await regions_app.get(FEED, headers=bearer(token))
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")


async def test_the_gateways_tokens_still_work(regions_app: httpx.AsyncClient) -> None:
    assert (await regions_app.get("/v1/regions")).status_code == 200  # the harness's token
    assert (await regions_app.get(FEED)).status_code == 200


def test_signed_tokens_are_short_lived_and_reused() -> None:
    signer = PeerSigner(dev_service_private_key("dealers"), "dealers")
    token = signer.token("regions")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "dealers" and claims["aud"] == "regions"
    assert claims["exp"] - claims["iat"] == 60
    assert "scopes" not in claims
    assert signer.token("regions") == token and signer.token("advisors") != token


def test_each_service_has_its_own_development_key() -> None:
    keys = {dev_service_public_key(n) for n in ("regions", "dealers", "advisors")}
    assert len(keys) == 3
    private = load_private_key(dev_service_private_key("dealers"))
    assert public_pem(private.public_key()) == dev_service_public_key("dealers")


def test_a_public_key_is_read_from_pem_or_its_one_line() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    line = public_key_line(key)
    assert "\n" not in line
    assert public_pem(load_public_key(line)) == public_pem(load_public_key(public_pem(key)))


# --- settings --------------------------------------------------------------------------------


def test_development_signs_with_the_services_development_key() -> None:
    settings = RegionsSettings(environment="development")
    assert settings.service_name == "regions"
    assert settings.signing_key("regions") == dev_service_private_key("regions")
    production = RegionsSettings(environment="production", identity_public_key=GATEWAY_KEY)
    assert production.signing_key("regions") is None


def test_production_refuses_development_keys() -> None:
    production = {"environment": "production", "identity_public_key": GATEWAY_KEY}
    for own in (dev_service_private_key("regions"), DEV_PRIVATE_KEY):
        with pytest.raises(ValidationError, match="service_private_key is a development key"):
            RegionsSettings(**production, service_private_key=own)
    for grant in (
        {"scopes": ["regions:events"]},  # no key: the peer's development key
        {"public_key": dev_service_public_key("dealers"), "scopes": ["regions:events"]},
    ):
        with pytest.raises(ValidationError, match=r"peers\.dealers\.public_key"):
            RegionsSettings(**production, peers={"dealers": grant})


def test_production_accepts_real_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    own = _pem(Ed25519PrivateKey.generate())
    peer = public_key_line(Ed25519PrivateKey.generate().public_key())
    monkeypatch.setenv("REGIONS_ENVIRONMENT", "production")
    monkeypatch.setenv("REGIONS_IDENTITY_PUBLIC_KEY", GATEWAY_KEY)
    monkeypatch.setenv("REGIONS_SERVICE_PRIVATE_KEY", own)
    monkeypatch.setenv(
        "REGIONS_PEERS", json.dumps({"dealers": {"public_key": peer, "scopes": ["regions:events"]}})
    )
    monkeypatch.setenv("REGIONS_PEER_URLS", json.dumps({"advisors": "http://advisors:8003"}))
    settings = RegionsSettings()
    assert settings.signing_key("regions") == own
    assert settings.peers["dealers"].scopes == {"regions:events"}
    assert settings.peer_urls == {"advisors": "http://advisors:8003"}


@pytest.mark.parametrize(
    "peers",
    [
        {"ars-gateway": {"scopes": ["regions:read"]}},  # would pass for the gateway
        {"regions": {"scopes": ["regions:read"]}},  # itself
        {"dealers": {"scopes": ["regions:events"], "admin": True}},  # unknown field
    ],
)
def test_peer_configurations_that_let_the_wrong_party_in_are_refused(peers: Any) -> None:
    with pytest.raises(ValidationError):
        RegionsSettings(peers=peers)


def test_service_key_prints_a_usable_key_pair(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(RegionsSettings(), MIGRATIONS, ["service-key"]) == 0
    out = capsys.readouterr().out
    pem = out[
        out.index("-----BEGIN PRIVATE KEY-----") : out.index("-----END PRIVATE KEY-----") + 25
    ]
    line = out.strip().splitlines()[-1]
    assert public_pem(load_private_key(pem).public_key()) == public_pem(load_public_key(line))
