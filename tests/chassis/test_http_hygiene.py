"""What every service answers before any domain rule: 405 with every allowed method, literal
sub-paths never taken for ids, bodies that are not JSON located for a person, If-Match declared
as the routes enforce it, and no error reaching the server."""

from typing import Any
from uuid import uuid4

import httpx
import pytest

from chassis.jsonerrors import locate
from chassis.testing import auth_headers
from tests.chassis.conftest import SCOPES

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}


def allow(r: httpx.Response) -> set[str]:
    return {m.strip() for m in r.headers["allow"].split(",")}


async def test_405_lists_every_method_of_the_path(probe: httpx.AsyncClient) -> None:
    r = await probe.put(f"/v1/probes/{uuid4()}", json={})
    assert r.status_code == 405 and r.headers["content-type"] == PROBLEM
    assert allow(r) == {"GET", "PATCH", "DELETE"}
    r = await probe.put("/v1/probes", json={})
    assert r.status_code == 405 and allow(r) == {"POST"}


@pytest.mark.parametrize("method", ["PATCH", "DELETE", "GET"])
async def test_a_literal_sub_path_is_not_an_id(probe: httpx.AsyncClient, method: str) -> None:
    """`/v1/probes/bulk` takes POST only: any other method is a 405, not a 422 about an id."""
    r = await probe.request(method, "/v1/probes/bulk", json={}, headers={"If-Match": '"v1"'})
    assert r.status_code == 405, r.text
    assert allow(r) == {"POST"}
    assert r.headers["content-type"] == PROBLEM


async def test_an_id_that_is_no_uuid_finds_no_record(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/v1/probes/not-a-uuid")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    probe_id = uuid4()
    for spelling in (str(probe_id), str(probe_id).upper(), probe_id.hex):
        r = await probe.get(f"/v1/probes/{spelling}")
        assert r.status_code == 200 and r.json() == {"id": str(probe_id)}, spelling


async def test_the_contract_keeps_the_plain_path(probe: httpx.AsyncClient) -> None:
    paths = (await probe.get("/openapi.json")).json()["paths"]
    assert "/v1/probes/{probe_id}" in paths and "/v1/probes/bulk" in paths
    assert not [p for p in paths if ":" in p]


async def test_if_match_is_required_where_428_is_answered(probe: httpx.AsyncClient) -> None:
    ops = (await probe.get("/openapi.json")).json()["paths"]

    def if_match(path: str, method: str) -> dict[str, Any]:
        params = ops[path][method]["parameters"]
        return next(p for p in params if p["name"] == "if-match")

    for method in ("patch", "delete"):
        assert if_match("/v1/probes/{probe_id}", method)["required"] is True
        assert (await probe.request(method.upper(), f"/v1/probes/{uuid4()}")).status_code == 428
    assert if_match("/v1/probes/{probe_id}/transitions", "post").get("required", False) is False


async def test_a_blank_if_match_is_no_if_match(probe: httpx.AsyncClient) -> None:
    url = f"/v1/probes/{uuid4()}"
    for blank in ("", "  "):
        moved = await probe.post(f"{url}/transitions", json={}, headers={"If-Match": blank})
        assert moved.status_code == 200, moved.text
        assert (await probe.patch(url, headers={"If-Match": blank})).status_code == 428
    stale = await probe.post(f"{url}/transitions", json={}, headers={"If-Match": '"v9"'})
    assert stale.status_code == 412
    assert (await probe.patch(url, headers={"If-Match": '"v1"'})).status_code == 200


@pytest.mark.parametrize(
    ("body", "pointer", "line", "words"),
    [
        (b'{"items": [{"value": 1}, {"value": tru}]}', "#/items/1/value", 1, "expected"),
        (b'{\n  "items": [\n    {"value": NaN}\n  ]\n}', "#/items/0/value", 3, "NaN"),
        (b'{"items": [{"value": 1}, {"value": -Infinity}]}', "#/items/1/value", 1, "Infinity"),
        (b'{"items": [{"value": 1e400}]}', "#/items/0/value", 1, "out of range"),
        (b'{"items": [{"value": 1,}]}', "#/items/0/value", 1, "trailing comma"),
        (b'{"items": [{"value": 1}', "#/items/0", 1, "end of data"),
        (b"nonsense", "#", 1, "line 1, column 1"),
    ],
)
async def test_a_body_that_is_not_json_is_located(
    probe: httpx.AsyncClient, body: bytes, pointer: str, line: int, words: str
) -> None:
    r = await probe.post("/v1/probes/bulk", content=body, headers=JSON)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    [error] = r.json()["errors"]
    assert error["pointer"] == pointer, error
    assert f"line {line}, column " in error["detail"] and words in error["detail"], error


@pytest.mark.parametrize("path", ["/v1/probes/bulk", "/v1/probes"])
async def test_a_body_that_is_not_utf8_is_422_naming_the_body(
    probe: httpx.AsyncClient, path: str
) -> None:
    """Whether the route parses with orjson or the standard library."""
    r = await probe.post(path, content=b'{"value": "\xff"}', headers=JSON)
    assert r.status_code == 422, r.text
    utf8 = "the body is not valid UTF-8 (byte 11)"
    assert r.json()["errors"] == [{"pointer": "#", "detail": utf8}]


def test_locate_escapes_keys_and_counts_lines() -> None:
    doc = '{"a/b": {"c~d": [0,\n 1, x]}}'
    where = locate(doc, doc.index("x"))
    assert (where.line, where.column, where.pointer) == (2, 5, "#/a~1b/c~0d/2")
    assert locate('{"a": "x,y", "b": [', 19).pointer == "#/b/0"
    assert locate('{"a": 1, ', 9).pointer == "#"


async def test_an_unexpected_error_is_a_500_problem_and_stays_in_the_app(
    probe_apps: Any, backend: str
) -> None:
    """Starlette hands an unhandled error on to the server, which then drops the keep-alive
    connection: the chassis answers it and ends it there."""
    app = await probe_apps(backend, "committed")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://probe", headers=auth_headers("regions", SCOPES)
    ) as client:
        r = await client.post("/v1/probes", json={"then": "crash"})
    assert r.status_code == 500 and r.headers["content-type"] == PROBLEM
    assert "secret internal detail" not in r.text
