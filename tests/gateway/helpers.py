"""Helpers shared by the gateway tests."""

from typing import Any

import httpx

from tests.gateway.conftest import key_header


async def audit(gw: httpx.AsyncClient, admin_key: str, **params: Any) -> list[dict[str, Any]]:
    """The audit events matching the filters, as an admin reads them."""
    r = await gw.get(
        "/v1/audit-events", params=params | {"limit": 500}, headers=key_header(admin_key)
    )
    assert r.status_code == 200, r.text
    return list(r.json()["items"])
