"""Shared helpers of the dealers tests: bodies with valid codes, creation of dealers, outlets and
products, counting, identities, and SQL straight into the service's database."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy import Uuid, bindparam, text

from chassis.testing import auth_headers
from chassis.validators import uscc_check_char
from tests import api
from tests.api import PROBLEM, assert_problem, feed, pointers

CHENGDU = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
MIANYANG = "01a221de-6ceb-7108-8dab-d0c4dfae1f80"
ADVISOR = "01a221de-6ceb-7108-8dab-d0c4dfae1f90"
WRONG_CHECK_CHARACTER = "91350100M000100Y44"
SCOPES = ("dealers:read", "dealers:write", "orders:write", "stock:report")


def uscc(n: int) -> str:
    """A valid unified social credit code, distinct for each `n`."""
    first17 = f"91510100MA6CX{n:04d}"
    return first17 + uscc_check_char(first17)


def body(n: int, **extra: Any) -> dict[str, Any]:
    """A valid create body; `n` picks a distinct code and unified social credit code."""
    return {
        "code": f"D{n:03d}",
        "name": f"经销商{n}",
        "uscc": uscc(n),
        "region_id": CHENGDU,
    } | extra


async def create(client: httpx.AsyncClient, n: int, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/dealers", json=body(n, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


def outlet_body(n: int, dealer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "code": f"T{n:05d}",
        "name": f"终端{n}",
        "type": "supermarket",
        "grade": "A",
        "region_id": CHENGDU,
        "dealer_id": dealer["id"],
    } | extra


async def make_outlet(
    client: httpx.AsyncClient, n: int, dealer: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    r = await client.post("/v1/outlets", json=outlet_body(n, dealer, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


def product_body(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "code": f"SKU-{n:04d}",
        "name": f"产品{n}",
        "unit": "箱",
        "pack_size": 12,
        "list_price": "48.5",
    } | extra


async def make_product(client: httpx.AsyncClient, n: int, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/products", json=product_body(n, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def listed(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    return await api.listed(client, "/v1/dealers", **params)


async def count(client: httpx.AsyncClient) -> int:
    return len(await listed(client))


def url(dealer: dict[str, Any] | str) -> str:
    return f"/v1/dealers/{dealer if isinstance(dealer, str) else dealer['id']}"


def ourl(outlet: dict[str, Any]) -> str:
    return f"/v1/outlets/{outlet['id']}"


def unknown_id() -> str:
    return str(uuid4())


def partner(*dealers: dict[str, Any], scopes: Iterable[str] = SCOPES) -> dict[str, str]:
    """The headers of a partner acting for `dealers` (none: a partner with no dealers)."""
    ids = [UUID(d["id"]) for d in dealers]
    return auth_headers("dealers", scopes, kind="partner", dealer_ids=ids, subject="partner-1")


def extreme_days(backend: str) -> tuple[str, str]:
    """The latest and earliest day a date column may hold from before dates were checked:
    PostgreSQL stored the driver's extremes as ±infinity, SQLite as written."""
    if backend == "postgres":
        return "infinity", "-infinity"
    return "9999-12-31", "0001-01-01"


async def execute(client: httpx.AsyncClient, sql: str, **ids: str) -> None:
    """Run SQL in the test's own transaction (as an old row or another program would have
    written it), through the app's database behind `client`; `ids` are bound as UUIDs."""
    app = client._transport.app  # type: ignore[attr-defined]
    stmt = text(sql).bindparams(*(bindparam(name, type_=Uuid) for name in ids))
    async with app.state.db.sessionmaker() as session:
        await session.execute(stmt, {name: UUID(value) for name, value in ids.items()})
        await session.commit()


__all__ = ["PROBLEM", "assert_problem", "feed", "pointers"]
