"""End to end: the real processes (uvicorn on free ports), driven only through the gateway."""

import httpx
import pytest

from scripts.stack import Stack
from tests.dealers.helpers import uscc

pytestmark = pytest.mark.e2e


def test_region_and_dealer_round_trip(gw: httpx.Client) -> None:
    province = gw.post("/v1/regions", json={"code": "530000", "name": "云南省"})
    assert province.status_code == 201, province.text
    dealer = gw.post(
        "/v1/dealers",
        json={
            "code": "E2E-001",
            "name": "昆明滇池商贸有限公司",
            "uscc": uscc(901),
            "region_id": province.json()["id"],
        },
    )
    assert dealer.status_code == 201, dealer.text
    region_back = gw.get(f"/v1/regions/{province.json()['id']}")
    dealer_back = gw.get(f"/v1/dealers/{dealer.json()['id']}")
    assert region_back.json()["name"] == "云南省"
    assert dealer_back.json()["region_id"] == province.json()["id"]
    assert dealer_back.headers["etag"] == '"v1"'


def test_request_id_is_echoed(gw: httpx.Client) -> None:
    r = gw.get("/v1/regions", headers={"X-Request-ID": "e2e-rid-1"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "e2e-rid-1"


def test_errors_come_through_as_problems(gw: httpx.Client) -> None:
    r = gw.post("/v1/dealers", json={"code": "E2E-BAD", "name": "x", "uscc": "91350100M000100Y44"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "#/uscc" in [e["pointer"] for e in r.json()["errors"]] or "#/region_id" in r.text


def test_a_service_refuses_direct_calls(stack: Stack) -> None:
    r = httpx.get(f"http://127.0.0.1:{stack.ports['regions']}/v1/regions")
    assert r.status_code == 401


def test_stopped_upstream_is_503(stack: Stack, gw: httpx.Client) -> None:
    stack.stop("dealers")
    try:
        r = gw.get("/v1/dealers")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["upstream"] == "dealers"
        assert gw.get("/readyz").status_code == 503
        assert gw.get("/v1/regions").status_code == 200
    finally:
        stack.start("dealers")
        stack.wait_ready()
