"""End to end, the regions service among the others (real processes, driven through the gateway):
it counts the dealers and advisors in a region from their feeds and refuses to delete the region,
and it checks the advisor a region names as its owner, asking the advisors service when its copy
hasn't seen them yet."""

import time
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from chassis.peers import PeerSigner, dev_service_private_key
from scripts.stack import Stack
from tests.dealers.helpers import uscc
from tests.e2e.conftest import start_stack
from tests.harness import Databases

pytestmark = pytest.mark.e2e
DEADLINE = 20.0  # seconds the consumers get to apply what the other services wrote


@pytest.fixture(scope="module")
def stack(backend: str, databases: Databases) -> Iterator[Stack]:
    """A stack of its own: one test stops the advisors service."""
    stack = start_stack(databases, backend, "e2e_regions")
    try:
        yield stack
    finally:
        stack.stop_all()


def created(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 201, r.text
    return dict(r.json())


def advisor(gw: httpx.Client, code: str, **extra: Any) -> dict[str, Any]:
    body = {"employee_code": code, "name": f"顾问{code}", "role": "customer_advisor"}
    return created(gw.post("/v1/advisors", json=body | extra))


def refusal_once(gw: httpx.Client, region_id: str, wanted: dict[str, int]) -> dict[str, Any]:
    """The region's DELETE, retried until its 409 counts `wanted` (the consumers have caught up)
    or the deadline passes. The region also holds a child region, so no attempt deletes it."""
    deadline = time.monotonic() + DEADLINE
    while True:
        r = gw.delete(f"/v1/regions/{region_id}", headers={"If-Match": '"v1"'})
        assert r.status_code == 409, r.text
        problem = dict(r.json())
        if problem.get("references") == wanted or time.monotonic() > deadline:
            return problem
        time.sleep(0.1)


def test_a_region_with_dealers_and_advisors_is_not_deleted(gw: httpx.Client) -> None:
    area = created(
        gw.post("/v1/regions", json={"code": "E2E-SW", "name": "西南大区", "kind": "sales"})
    )
    district = created(
        gw.post(
            "/v1/regions",
            json={"code": "E2E-SW-1", "name": "川西片区", "kind": "sales", "parent_id": area["id"]},
        )
    )
    dealer = {"code": "E2E-REF-1", "name": "成都川西商贸有限公司", "uscc": uscc(951)}
    created(gw.post("/v1/dealers", json=dealer | {"region_id": area["id"]}))
    advisor(gw, "E2E-REF-A1", region_id=area["id"])
    wanted = {"advisors.region_id": 1, "dealers.region_id": 1}
    problem = refusal_once(gw, area["id"], wanted)
    assert problem["references"] == wanted, problem
    assert problem["contents"] == {"child_regions": 1}
    assert "1 dealers (by region_id)" in problem["detail"]
    assert "1 advisors (by region_id)" in problem["detail"]

    r = gw.delete(f"/v1/regions/{district['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 204, r.text
    r = gw.delete(f"/v1/regions/{area['id']}", headers={"If-Match": '"v1"'})
    assert r.status_code == 409 and r.json()["references"] == wanted
    assert "contents" not in r.json()
    assert gw.get(f"/v1/regions/{area['id']}").status_code == 200


def test_an_owner_is_an_advisor_the_advisors_service_knows(stack: Stack, gw: httpx.Client) -> None:
    fresh = advisor(gw, "E2E-OWN-1")  # a moment before: the copy may not have it yet
    region = {"code": "E2E-NW", "name": "西北大区", "kind": "sales", "owner_id": fresh["id"]}
    assert created(gw.post("/v1/regions", json=region))["owner_id"] == fresh["id"]
    unknown = {"code": "E2E-NE", "name": "东北大区", "kind": "sales", "owner_id": str(uuid4())}
    r = gw.post("/v1/regions", json=unknown)
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["#/owner_id"]

    stack.stop("advisors")
    try:
        r = gw.post("/v1/regions", json=unknown)
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["service"] == "advisors"
        assert gw.get("/v1/regions", params={"code": "E2E-NE"}).json()["items"] == []
        known = unknown | {"owner_id": fresh["id"]}  # in the copy: no need to ask
        assert created(gw.post("/v1/regions", json=known))["owner_id"] == fresh["id"]
    finally:
        stack.start("advisors")
        stack.wait_ready()


def test_a_peer_reads_a_region_with_its_events_scope(stack: Stack, gw: httpx.Client) -> None:
    """The dealers service, signing as itself, may read a region by id (to check the regions its
    records name) and nothing else of the regions service."""
    region = created(
        gw.post("/v1/regions", json={"code": "E2E-SE", "name": "东南大区", "kind": "sales"})
    )
    token = PeerSigner(dev_service_private_key("dealers"), "dealers").token("regions")
    base = f"http://127.0.0.1:{stack.ports['regions']}"
    headers = {"Authorization": f"Bearer {token}"}
    r = httpx.get(f"{base}/v1/regions/{region['id']}", headers=headers)
    assert r.status_code == 200 and r.json()["code"] == "E2E-SE"
    assert httpx.get(f"{base}/v1/regions", headers=headers).status_code == 403
