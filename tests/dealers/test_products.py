"""Products: SKU codes, GTIN check digits, money, bulk upsert; partners read but never write."""

from typing import Any

import httpx
import pytest

from tests.api import listed
from tests.dealers.helpers import (
    assert_problem,
    create,
    make_product,
    partner,
    pointers,
    product_body,
    unknown_id,
)

GTINS = ["6901234567892", "96385074", "036000291452", "10614141000415"]


@pytest.mark.parametrize("gtin", GTINS)
async def test_valid_gtins_are_kept(dealers: httpx.AsyncClient, gtin: str) -> None:
    product = await make_product(dealers, 1, gtin=gtin)
    got = (await dealers.get(f"/v1/products/{product['id']}")).json()
    assert got["gtin"] == gtin and got["list_price"] == "48.50" and got["pack_size"] == 12


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"gtin": "6901234567893"}, "#/gtin"),  # wrong check digit
        ({"gtin": "690123456789"}, "#/gtin"),
        ({"gtin": "12345"}, "#/gtin"),
        ({"gtin": 6901234567892}, "#/gtin"),
        ({"pack_size": 0}, "#/pack_size"),
        ({"list_price": 48.5}, "#/list_price"),
        ({"list_price": "-1"}, "#/list_price"),
        ({"unit": ""}, "#/unit"),
        ({"unit": "  "}, "#/unit"),
        ({"name": "   "}, "#/name"),
        ({"name": "\t\n"}, "#/name"),
        ({"name": "\u3000"}, "#/name"),
    ],
)
async def test_bad_fields_are_named(
    dealers: httpx.AsyncClient, extra: dict[str, Any], pointer: str
) -> None:
    r = await dealers.post("/v1/products", json=product_body(1, **extra))
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await listed(dealers, "/v1/products") == []


@pytest.mark.parametrize("field", ["code", "gtin"])
async def test_duplicates_are_conflicts(dealers: httpx.AsyncClient, field: str) -> None:
    first = await make_product(dealers, 1, gtin=GTINS[0])
    r = await dealers.post("/v1/products", json=product_body(2, **{field: first[field]}))
    assert assert_problem(r, 409)["field"] == field


async def test_update_and_delete_need_if_match(dealers: httpx.AsyncClient) -> None:
    product = await make_product(dealers, 1)
    path = f"/v1/products/{product['id']}"
    assert_problem(await dealers.patch(path, json={"list_price": "50"}), 428)
    r = await dealers.patch(
        path, json={"list_price": "50", "gtin": GTINS[1]}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200 and r.json()["list_price"] == "50.00"
    assert pointers(
        await dealers.patch(path, json={"name": None}, headers={"If-Match": '"v2"'})
    ) == ["#/name"]
    assert_problem(await dealers.delete(path, headers={"If-Match": '"v1"'}), 412)
    assert (await dealers.delete(path, headers={"If-Match": '"v2"'})).status_code == 204
    assert_problem(await dealers.get(path), 404)
    assert_problem(await dealers.get(f"/v1/products/{unknown_id()}"), 404)


async def test_filters(dealers: httpx.AsyncClient) -> None:
    await make_product(dealers, 1, gtin=GTINS[0])
    await make_product(dealers, 2)
    assert len(await listed(dealers, "/v1/products", gtin=GTINS[0])) == 1
    assert len(await listed(dealers, "/v1/products", code="SKU-0002")) == 1


async def test_bulk_upsert(dealers: httpx.AsyncClient) -> None:
    await make_product(dealers, 9, gtin=GTINS[3])
    r = await dealers.post(
        "/v1/products/bulk",
        json={
            "items": [
                product_body(1, gtin=GTINS[0]),
                product_body(2, gtin=GTINS[0]),  # the same GTIN twice
                product_body(3, gtin=GTINS[3]),  # held by SKU-0009
                product_body(4, gtin="6901234567893"),
                product_body(5),
                product_body(6),  # two without GTIN are fine
                product_body(9, gtin=GTINS[3], name="改名"),
            ]
        },
    )
    assert r.status_code == 200, r.text
    result = r.json()
    assert [i["status"] for i in result["items"]] == [
        "created",
        "invalid",
        "invalid",
        "invalid",
        "created",
        "created",
        "updated",
    ]
    assert {e["pointer"] for i in result["items"] for e in i["errors"] or []} == {"#/gtin"}
    assert len(await listed(dealers, "/v1/products")) == 4


async def test_partners_read_the_catalogue_but_never_write(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    product = await make_product(dealers, 1)
    headers = partner(dealer)
    assert len((await dealers.get("/v1/products", headers=headers)).json()["items"]) == 1
    path = f"/v1/products/{product['id']}"
    assert (await dealers.get(path, headers=headers)).status_code == 200
    assert_problem(await dealers.post("/v1/products", json=product_body(2), headers=headers), 403)
    if_match = headers | {"If-Match": '"v1"'}
    assert_problem(await dealers.patch(path, json={"name": "x"}, headers=if_match), 403)
    assert_problem(await dealers.delete(path, headers=if_match), 403)
    bulk = await dealers.post(
        "/v1/products/bulk", json={"items": [product_body(3)]}, headers=headers
    )
    assert_problem(bulk, 403)
    assert len(await listed(dealers, "/v1/products")) == 1
