"""What the gateway answers whatever the route: security headers and a Content-Security-Policy
on everything, methods its local routes don't take, and the chassis' answers through it (405
with every allowed method, located JSON errors, canonical idempotency, bad audit windows)."""

import base64
import hashlib
import json
import re
from typing import Any
from uuid import uuid4

import httpx
import pytest

from gateway.headers import API_CSP
from gateway.settings import GatewaySettings
from tests.gateway.conftest import key_header, person

PROBLEM = "application/problem+json"


def policy(r: httpx.Response) -> dict[str, list[str]]:
    directives = [d.strip().split() for d in r.headers["content-security-policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def secured(r: httpx.Response) -> bool:
    return (
        r.headers.get("x-content-type-options") == "nosniff"
        and r.headers.get("x-frame-options") == "DENY"
        and "content-security-policy" in r.headers
    )


async def test_every_answer_carries_the_security_headers(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings
) -> None:
    viewer = person(gateway_settings, "viewer")
    preflight = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"}
    answers = {
        "/openapi.json": await gw.get("/openapi.json"),
        "/healthz": await gw.get("/healthz"),
        "/readyz": await gw.get("/readyz"),
        "/metrics": await gw.get("/metrics"),
        "proxied": await gw.get("/v1/regions", headers=viewer),
        "admin API": await gw.get("/v1/api-clients", headers=viewer),
        "unknown collection": await gw.get("/v1/nothing", headers=viewer),
        "no credentials": await gw.get("/v1/regions"),
        "preflight": await gw.options("/v1/regions", headers=preflight),
        "local route, wrong method": await gw.post("/healthz"),
    }
    for name, r in answers.items():
        assert secured(r), name
        assert r.headers["content-security-policy"] == API_CSP.decode(), name
        assert len(r.headers.get_list("content-security-policy")) == 1, name


async def test_the_docs_page_may_load_what_it_shows_and_nothing_else(
    gw: httpx.AsyncClient,
) -> None:
    r = await gw.get("/docs")
    assert r.status_code == 200 and secured(r) and "swagger" in r.text.lower()
    csp = policy(r)
    assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    for src in re.findall(r'<script src="(https://[^/"]+)/', r.text):
        assert src in csp["script-src"]
    for href in re.findall(r'<link [^>]*rel="stylesheet"[^>]*href="(https://[^/"]+)/', r.text):
        assert href in csp["style-src"]
    for inline in re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"] and csp["connect-src"] == ["'self'"]
    # Swagger UI's files are the gateway's own: nothing is loaded from another origin.
    assert "https://" not in r.text and "'self'" in csp["script-src"]
    for path, kind in [
        ("/docs/swagger-ui-bundle.js", "text/javascript"),
        ("/docs/swagger-ui.css", "text/css"),
        ("/docs/favicon.png", "image/png"),
    ]:
        asset = await gw.get(path)
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind), path
        assert len(asset.content) > 1000 and path.rsplit("/", 1)[1] in r.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs"])
async def test_local_routes_answer_get_only(gw: httpx.AsyncClient, path: str) -> None:
    for method in ("POST", "DELETE", "PUT"):
        r = await gw.request(method, path)
        assert r.status_code == 405 and r.headers["content-type"] == PROBLEM, (method, path)
        assert r.headers["allow"] == "GET, HEAD"
    assert (await gw.head("/healthz")).status_code == 200


@pytest.mark.parametrize(
    "path", ["/v1/regions/bulk", "/v1/dealers/bulk", "/v1/outlets/bulk", "/v1/advisors/bulk"]
)
async def test_a_literal_sub_path_answers_405_not_an_id_error(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, path: str
) -> None:
    manager = person(gateway_settings, "manager")
    for method in ("PATCH", "DELETE", "GET"):
        r = await gw.request(method, path, headers=manager | {"If-Match": '"v1"'})
        assert r.status_code == 405, (method, path, r.text)
        assert r.headers["allow"] == "POST" and r.headers["content-type"] == PROBLEM


async def test_405_lists_every_method_of_a_record(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings
) -> None:
    r = await gw.put(f"/v1/regions/{uuid4()}", json={}, headers=person(gateway_settings, "manager"))
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "PATCH", "DELETE"}


async def test_a_blank_if_match_on_an_update_is_a_missing_one(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings
) -> None:
    manager = person(gateway_settings, "manager")
    made = await gw.post("/v1/regions", json={"code": "510000", "name": "四川省"}, headers=manager)
    url = f"/v1/regions/{made.json()['id']}"
    r = await gw.patch(url, json={"name": "四川"}, headers=manager | {"If-Match": ""})
    assert r.status_code == 428 and r.headers["content-type"] == PROBLEM


async def test_a_body_that_is_not_json_is_located_through_the_gateway(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings, admin_key: str
) -> None:
    manager = person(gateway_settings, "manager") | {"content-type": "application/json"}
    body = b'{\n  "items": [\n    {"code": "510000", "name": NaN}\n  ]\n}'
    r = await gw.post("/v1/regions/bulk", content=body, headers=manager)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    [error] = r.json()["errors"]
    assert error["pointer"] == "#/items/0/name" and "line 3, column 32" in error["detail"]
    assert "NaN" in error["detail"]
    r = await gw.post(
        "/v1/api-clients",
        content=b'{"name": "x", "kind": "erp", "scopes": [], "rate": 1e400, "burst": 1}',
        headers=key_header(admin_key) | {"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/rate"
    assert "out of range" in r.json()["errors"][0]["detail"]


async def test_the_same_json_differently_written_replays_through_the_gateway(
    gw: httpx.AsyncClient, gateway_settings: GatewaySettings
) -> None:
    headers = person(gateway_settings, "manager") | {
        "Idempotency-Key": "erp-510000",
        "content-type": "application/json",
    }
    first = await gw.post("/v1/regions", content=b'{"code":"510000","name":"SC"}', headers=headers)
    again = await gw.post(
        "/v1/regions", content=b'{ "name" : "SC",\n  "code" : "510000" }', headers=headers
    )
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"since": "0001-01-01T00:00:00+08:00"}, "since"),
        ({"until": "9999-12-31T23:59:59-08:00"}, "until"),
        ({"since": "2026-01-01"}, "since"),
        ({"until": "0"}, "until"),
    ],
)
async def test_audit_window_out_of_range_is_422_naming_it(
    gw: httpx.AsyncClient, admin_key: str, params: dict[str, str], name: str
) -> None:
    r = await gw.get("/v1/audit-events", params=params, headers=key_header(admin_key))
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == [f"#/{name}"]


async def test_audit_window_in_range_filters(gw: httpx.AsyncClient, admin_key: str) -> None:
    await gw.post("/v1/api-clients", json={"name": "x"}, headers=key_header(admin_key))
    window = {"since": "2000-01-01T00:00:00+08:00", "until": "2199-12-31T00:00:00Z"}
    r = await gw.get("/v1/audit-events", params=window, headers=key_header(admin_key))
    assert r.status_code == 200 and len(r.json()["items"]) >= 1
    r = await gw.get(
        "/v1/audit-events", params={"until": "2001-01-01T00:00:00Z"}, headers=key_header(admin_key)
    )
    assert r.status_code == 200 and r.json()["items"] == []


def test_the_merged_contract_declares_the_gateways_own_refusals(gateway: Any) -> None:
    merged = json.loads(gateway.gateway.openapi)
    for path, ops in merged["paths"].items():
        for method, op in ops.items():
            assert {"400", "429"} <= set(op["responses"]), (method, path)


async def test_an_unexpected_error_is_a_500_problem_that_stays_in_the_gateway(
    gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(gateway.gateway.authenticator, "authenticate", broken)
    transport = httpx.ASGITransport(app=gateway, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        r = await client.get("/v1/regions")
    assert r.status_code == 500 and r.headers["content-type"] == PROBLEM and secured(r)
    assert "secret" not in r.text
