"""Bad dealer input: 422 naming the field by JSON pointer, 409 naming the duplicate, and nothing
written either way."""

from typing import Any

import httpx
import pytest

from tests.dealers.helpers import (
    WRONG_CHECK_CHARACTER,
    assert_problem,
    body,
    count,
    create,
    listed,
    pointers,
    url,
    uscc,
)

MISSING = object()


async def test_names_are_kept_trimmed(dealers: httpx.AsyncClient) -> None:
    dealer = await create(
        dealers, 1, name="  成都锦城商贸 ", contacts=[{"name": " 王 ", "mobile": "13800138000"}]
    )
    assert dealer["name"] == "成都锦城商贸" and dealer["contacts"][0]["name"] == "王"
    r = await dealers.patch(url(dealer), json={"name": "\u3000"}, headers={"If-Match": '"v1"'})
    assert_problem(r, 422)
    assert pointers(r) == ["#/name"]
    assert (await dealers.get(url(dealer))).json()["name"] == "成都锦城商贸"


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("uscc", "91350100M000100Y4", "#/uscc"),  # 17 characters
        ("uscc", "91350100M000100Y433", "#/uscc"),  # 19 characters
        ("uscc", "91350100M000100I43", "#/uscc"),  # I is outside the GB 32100 alphabet
        ("uscc", "91350100m000100y43", "#/uscc"),  # lower case
        ("uscc", WRONG_CHECK_CHARACTER, "#/uscc"),
        ("uscc", MISSING, "#/uscc"),
        ("contact_mobile", "12345678901", "#/contact_mobile"),  # no mobile starts 12
        ("contact_mobile", "1380013800", "#/contact_mobile"),  # 10 digits
        ("contact_mobile", "+8613800138000", "#/contact_mobile"),
        ("contact_mobile", 13800138000, "#/contact_mobile"),  # a JSON number
        ("credit_limit", 1200.5, "#/credit_limit"),  # money is a string, not a JSON number
        ("credit_limit", 1200, "#/credit_limit"),
        ("credit_limit", "1.234", "#/credit_limit"),  # three decimals
        ("credit_limit", "-1", "#/credit_limit"),  # negative
        ("credit_limit", "1e3", "#/credit_limit"),
        ("credit_limit", "1,200.00", "#/credit_limit"),
        ("credit_limit", "1000000000000", "#/credit_limit"),  # 13 integer digits
        ("credit_limit", "12\n", "#/credit_limit"),  # a final newline
        ("credit_limit", None, "#/credit_limit"),
        ("region_id", MISSING, "#/region_id"),
        ("region_id", "chengdu", "#/region_id"),
        ("region_id", 510100, "#/region_id"),
        ("region_id", None, "#/region_id"),
        ("tier", "gold", "#/tier"),
        ("tier", "CORE", "#/tier"),
        ("tier", None, "#/tier"),
        ("code", "d001", "#/code"),  # lower case
        ("code", "-D01", "#/code"),  # must start with a letter or digit
        ("code", "D 01", "#/code"),
        ("code", "D", "#/code"),  # too short
        ("code", "D" * 41, "#/code"),  # one over the 40-character limit
        ("code", 1001, "#/code"),
        ("code", MISSING, "#/code"),
        ("name", "", "#/name"),
        ("name", "   ", "#/name"),  # white space only: no name
        ("name", "\t\n", "#/name"),
        ("name", "\u3000", "#/name"),  # the ideographic space
        ("name", MISSING, "#/name"),
        ("contact_name", " ", "#/contact_name"),
        ("contacts", [{"name": "\u3000\u3000", "mobile": "13800138000"}], "#/contacts/0/name"),
        ("contacts", [{"name": "王", "mobile": "13800138000", "role": " "}], "#/contacts/0/role"),
        ("advisor_id", "nobody", "#/advisor_id"),
        ("colour", "red", "#/colour"),  # unknown fields are refused
        ("version", 7, "#/version"),  # so is the server's own bookkeeping
    ],
)
async def test_create_names_the_bad_field(
    dealers: httpx.AsyncClient, field: str, value: Any, pointer: str
) -> None:
    await create(dealers, 1)
    sent = body(2) | {field: value}
    if value is MISSING:
        del sent[field]
    r = await dealers.post("/v1/dealers", json=sent)
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await count(dealers) == 1


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"name": None}, "#/name"),  # required fields may not be nulled
        ({"uscc": None}, "#/uscc"),
        ({"region_id": None}, "#/region_id"),
        ({"tier": None}, "#/tier"),
        ({"credit_limit": None}, "#/credit_limit"),
        ({"code": "D999"}, "#/code"),  # the ERP code never changes
        ({"uscc": WRONG_CHECK_CHARACTER}, "#/uscc"),
        ({"contact_mobile": "12345678901"}, "#/contact_mobile"),
        ({"credit_limit": 5}, "#/credit_limit"),
        ({"credit_limit": "-0.01"}, "#/credit_limit"),
        ({"tier": "gold"}, "#/tier"),
        ({"colour": "red"}, "#/colour"),
        ({"version": 9}, "#/version"),
    ],
)
async def test_update_names_the_bad_field(
    dealers: httpx.AsyncClient, changes: dict[str, Any], pointer: str
) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.patch(url(dealer), json=changes, headers={"If-Match": '"v1"'})
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    got = await dealers.get(url(dealer))
    assert got.json() == dealer and got.headers["etag"] == '"v1"'


async def test_a_nul_character_is_refused_naming_the_field(dealers: httpx.AsyncClient) -> None:
    r = await dealers.post("/v1/dealers", json=body(1, name="a\u0000b"))
    assert_problem(r, 422)
    assert pointers(r) == ["#/name"]
    assert await count(dealers) == 0
    dealer = await create(dealers, 2)
    r = await dealers.patch(
        url(dealer), json={"contact_name": "a\u0000b"}, headers={"If-Match": '"v1"'}
    )
    assert_problem(r, 422)
    assert pointers(r) == ["#/contact_name"]
    assert (await dealers.get(url(dealer))).json() == dealer


async def test_a_nul_character_in_a_filter_is_refused_on_every_backend(
    dealers: httpx.AsyncClient,
) -> None:
    await create(dealers, 1)
    r = await dealers.get("/v1/dealers", params={"code": "D\u0000001"})
    assert_problem(r, 422)
    assert pointers(r) == ["#/code"]


@pytest.mark.parametrize("field", ["code", "uscc"])
async def test_duplicate_on_create_is_a_conflict(dealers: httpx.AsyncClient, field: str) -> None:
    first = await create(dealers, 1)
    r = await dealers.post("/v1/dealers", json=body(2) | {field: first[field]})
    problem = assert_problem(r, 409)
    assert problem["field"] == field
    assert await listed(dealers) == [first]


async def test_duplicate_uscc_on_update_is_a_conflict(dealers: httpx.AsyncClient) -> None:
    first = await create(dealers, 1)
    second = await create(dealers, 2)
    r = await dealers.patch(url(second), json={"uscc": first["uscc"]}, headers={"If-Match": '"v1"'})
    assert assert_problem(r, 409)["field"] == "uscc"
    assert (await dealers.get(url(second))).json() == second


async def test_keeping_your_own_uscc_is_no_conflict(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.patch(
        url(dealer), json={"uscc": dealer["uscc"], "name": "新名"}, headers={"If-Match": '"v1"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["uscc"] == dealer["uscc"] and r.json()["name"] == "新名"


async def test_a_new_valid_uscc_is_accepted(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.patch(url(dealer), json={"uscc": uscc(2)}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert (await dealers.get(url(dealer))).json()["uscc"] == uscc(2)
