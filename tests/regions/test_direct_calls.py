"""A service called directly, not through the gateway: no token, a token signed by another key,
a token for another service, or spoofed identity headers are all refused."""

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chassis.identity import TokenSigner
from chassis.testing import mint_token


def rogue_signer() -> TokenSigner:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return TokenSigner(pem.decode())


async def test_direct_calls_are_refused(regions: httpx.AsyncClient) -> None:
    scopes = ["regions:read", "regions:write"]
    attempts = {
        "no token": {"Authorization": ""},
        "other key": {
            "Authorization": f"Bearer {mint_token('regions', scopes, signer=rogue_signer())}"
        },
        "other audience": {"Authorization": f"Bearer {mint_token('dealers', scopes)}"},
        "spoofed headers": {
            "Authorization": "",
            "X-ARS-Principal": "admin",
            "X-Forwarded-User": "admin",
            "X-Scopes": "regions:write",
        },
    }
    for name, headers in attempts.items():
        r = await regions.post("/v1/regions", json={"code": "510000", "name": "x"}, headers=headers)
        assert r.status_code == 401, name
        assert r.headers["content-type"] == "application/problem+json", name
    assert (await regions.get("/v1/regions")).json()["items"] == []
