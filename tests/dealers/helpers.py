"""Shared helpers of the dealers tests: bodies with valid codes, creation, counting, identities."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

import httpx

from chassis.testing import auth_headers
from scripts.demo import demo_uscc
from tests import api
from tests.api import PROBLEM, assert_problem, feed, pointers

CHENGDU = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
MIANYANG = "01a221de-6ceb-7108-8dab-d0c4dfae1f80"
ADVISOR = "01a221de-6ceb-7108-8dab-d0c4dfae1f90"
WRONG_CHECK_CHARACTER = "91350100M000100Y44"
SCOPES = ("dealers:read", "dealers:write", "orders:write", "stock:report")


def body(n: int, **extra: Any) -> dict[str, Any]:
    """A valid create body; `n` picks a distinct code and unified social credit code."""
    return {
        "code": f"D{n:03d}",
        "name": f"经销商{n}",
        "uscc": demo_uscc(n),
        "region_id": CHENGDU,
    } | extra


async def create(client: httpx.AsyncClient, n: int, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/dealers", json=body(n, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def listed(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    return await api.listed(client, "/v1/dealers", **params)


async def count(client: httpx.AsyncClient) -> int:
    return len(await listed(client))


def url(dealer: dict[str, Any] | str) -> str:
    return f"/v1/dealers/{dealer if isinstance(dealer, str) else dealer['id']}"


def unknown_id() -> str:
    return str(uuid4())


def partner(*dealers: dict[str, Any], scopes: Iterable[str] = SCOPES) -> dict[str, str]:
    """The headers of a partner acting for `dealers` (none: a partner with no dealers)."""
    ids = [UUID(d["id"]) for d in dealers]
    return auth_headers("dealers", scopes, kind="partner", dealer_ids=ids, subject="partner-1")


__all__ = ["PROBLEM", "assert_problem", "feed", "pointers"]
