"""Shared helpers of the advisors tests."""

from typing import Any

import httpx

from tests import api
from tests.api import PROBLEM, assert_problem, feed, pointers

CHENGDU = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
MIANYANG = "01a221de-6ceb-7108-8dab-d0c4dfae1f80"
NOBODY = "01a221de-6ceb-7108-8dab-d0c4dfae1fff"


def body(n: int, **extra: Any) -> dict[str, Any]:
    return {"employee_code": f"E{n:04d}", "name": f"顾问{n}", "role": "customer_advisor"} | extra


async def create(client: httpx.AsyncClient, n: int, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/advisors", json=body(n, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def listed(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    return await api.listed(client, "/v1/advisors", **params)


async def count(client: httpx.AsyncClient) -> int:
    return len(await listed(client))


def url(advisor: dict[str, Any] | str) -> str:
    return f"/v1/advisors/{advisor if isinstance(advisor, str) else advisor['id']}"


async def patch(
    client: httpx.AsyncClient, advisor: dict[str, Any], changes: dict[str, Any]
) -> httpx.Response:
    """PATCH with the ETag of the version `advisor` shows."""
    return await client.patch(
        url(advisor), json=changes, headers={"If-Match": f'"v{advisor["version"]}"'}
    )


__all__ = ["PROBLEM", "assert_problem", "feed", "pointers"]
