"""Shared factories and helpers of the advisors tests."""

from typing import Any

import httpx

from tests import api
from tests.api import PROBLEM, assert_problem, feed, pointers

CHENGDU = "01a221de-6ceb-7108-8dab-d0c4dfae1f7d"
MIANYANG = "01a221de-6ceb-7108-8dab-d0c4dfae1f80"
NOBODY = "01a221de-6ceb-7108-8dab-d0c4dfae1fff"
SHOP = "01a221de-6ceb-7108-8dab-d0c4dfae2001"
DEALER = "01a221de-6ceb-7108-8dab-d0c4dfae2002"
# 天府广场, Chengdu
HOME = (30.657, 104.066)


def body(n: int, **extra: Any) -> dict[str, Any]:
    return {"employee_code": f"E{n:04d}", "name": f"顾问{n}", "role": "customer_advisor"} | extra


async def create(client: httpx.AsyncClient, n: int, **extra: Any) -> dict[str, Any]:
    r = await client.post("/v1/advisors", json=body(n, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def listed(client: httpx.AsyncClient, path: str = "/v1/advisors", **params: Any) -> Any:
    return await api.listed(client, path, **params)


async def count(client: httpx.AsyncClient) -> int:
    return len(await listed(client))


def url(advisor: dict[str, Any] | str) -> str:
    return f"/v1/advisors/{advisor if isinstance(advisor, str) else advisor['id']}"


def match(record: dict[str, Any]) -> dict[str, str]:
    """The If-Match header naming the version `record` shows."""
    return {"If-Match": f'"v{record["version"]}"'}


async def patch(
    client: httpx.AsyncClient, advisor: dict[str, Any], changes: dict[str, Any]
) -> httpx.Response:
    """PATCH with the ETag of the version `advisor` shows."""
    return await client.patch(url(advisor), json=changes, headers=match(advisor))


async def post(client: httpx.AsyncClient, path: str, payload: dict[str, Any]) -> Any:
    """POST that must succeed (201 for a creation, 200 for a computation or a move)."""
    r = await client.post(path, json=payload)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def move(
    client: httpx.AsyncClient,
    record_url: str,
    to: str,
    *,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    """POST a transition of the record at `record_url`."""
    return await client.post(
        f"{record_url}/transitions", json={"to": to, **fields}, headers=headers
    )


def assignment_body(advisor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "advisor_id": advisor["id"],
        "account_kind": "outlet",
        "account_id": SHOP,
        "from_date": "2026-01-01",
    } | extra


async def assign(client: httpx.AsyncClient, advisor: dict[str, Any], **extra: Any) -> Any:
    r = await client.post("/v1/assignments", json=assignment_body(advisor, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def visit_body(advisor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "advisor_id": advisor["id"],
        "account_kind": "outlet",
        "account_id": SHOP,
        "planned_date": "2026-03-02",
        "purpose": "新品铺货",
        "agenda": "检查库存，介绍新品",
    } | extra


async def plan_visit(client: httpx.AsyncClient, advisor: dict[str, Any], **extra: Any) -> Any:
    r = await client.post("/v1/visits", json=visit_body(advisor, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def check_in_at(at: tuple[float, float], when: str = "2026-03-02T09:15:00+08:00") -> dict[str, Any]:
    return {"at": when, "latitude": at[0], "longitude": at[1]}


REPORT = {"findings": "库存偏低", "orders_taken": "1200.50", "next_steps": "下周补货"}

COURSE = {
    "code": "PRODUCT-101",
    "title": "产品知识",
    "required": True,
    "validity_months": 12,
    "pass_score": 70,
}


async def course_session(
    client: httpx.AsyncClient, held_on: str = "2026-03-10", **session: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The course `COURSE` and a session of it."""
    made = await post(client, "/v1/training-courses", COURSE)
    held = await post(
        client, "/v1/training-sessions", {"course_id": made["id"], "held_on": held_on} | session
    )
    return made, held


async def enrol(client: httpx.AsyncClient, held: dict[str, Any], advisor: dict[str, Any]) -> Any:
    payload = {"session_id": held["id"], "advisor_id": advisor["id"]}
    return await post(client, "/v1/training-enrolments", payload)


__all__ = ["PROBLEM", "assert_problem", "feed", "pointers"]
