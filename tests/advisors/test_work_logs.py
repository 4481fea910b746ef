"""Work logs: spans in order, no overlaps for one advisor (even racing), time allocation."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.advisors.helpers import assert_problem, create, listed, pointers


def entry(advisor: dict[str, Any], start: str, end: str, kind: str = "visit") -> dict[str, Any]:
    return {
        "advisor_id": advisor["id"],
        "activity_type": kind,
        "started_at": f"2026-03-{start}:00Z",
        "ended_at": f"2026-03-{end}:00Z",
    }


async def log(client: httpx.AsyncClient, advisor: dict[str, Any], *args: str) -> Any:
    r = await client.post("/v1/work-logs", json=entry(advisor, *args))
    assert r.status_code == 201, r.text
    return r.json()


async def test_create_and_list(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    made = await log(advisors, a, "02T01:00", "02T03:30")
    assert made["started_at"] == "2026-03-02T01:00:00Z" and made["activity_type"] == "visit"
    await log(advisors, a, "02T03:30", "02T04:00", "travel")  # touching is not overlapping
    assert len(await listed(advisors, "/v1/work-logs", advisor_id=a["id"])) == 2
    assert len(await listed(advisors, "/v1/work-logs", activity_type="travel")) == 1
    got = await listed(advisors, "/v1/work-logs", started_from="2026-03-02T03:00:00Z")
    assert [g["activity_type"] for g in got] == ["travel"]
    for bad in ("2026-03-02T03:00:00", "0", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59Z"):
        r = await advisors.get("/v1/work-logs", params={"started_before": bad})
        assert pointers(r) == ["#/started_before"], bad


@pytest.mark.parametrize(
    ("start", "end", "pointer"),
    [
        ("02T05:00", "02T04:00", "#/ended_at"),
        ("02T05:00", "02T05:00", "#/ended_at"),
        ("02T05:00", "03T06:00", "#/ended_at"),
    ],
)
async def test_bad_spans(advisors: httpx.AsyncClient, start: str, end: str, pointer: str) -> None:
    a = await create(advisors, 1)
    r = await advisors.post("/v1/work-logs", json=entry(a, start, end))
    assert_problem(r, 422)
    assert pointers(r) == [pointer]
    assert await listed(advisors, "/v1/work-logs") == []


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        # what was done has happened: not tomorrow, not in year 1 or 9999
        (
            {"started_at": "2999-03-02T01:00:00Z", "ended_at": "2999-03-02T02:00:00Z"},
            "#/started_at",
        ),
        ({"ended_at": "9999-12-31T23:59:59Z"}, "#/ended_at"),
        ({"started_at": "0001-01-01T00:00:00+08:00"}, "#/started_at"),
        ({"note": " \t\n"}, "#/note"),
        ({"note": "\u3000"}, "#/note"),
    ],
)
async def test_logs_record_what_happened(
    advisors: httpx.AsyncClient, change: dict[str, str], pointer: str
) -> None:
    a = await create(advisors, 1)
    r = await advisors.post("/v1/work-logs", json=entry(a, "02T01:00", "02T02:00") | change)
    assert_problem(r, 422)
    assert pointer in pointers(r)
    assert await listed(advisors, "/v1/work-logs") == []


async def test_overlaps_are_refused_per_advisor(advisors: httpx.AsyncClient) -> None:
    a, b = await create(advisors, 1), await create(advisors, 2)
    first = await log(advisors, a, "02T01:00", "02T03:00")
    for start, end in [
        ("02T02:00", "02T04:00"),
        ("02T00:00", "02T01:30"),
        ("02T01:15", "02T01:45"),
    ]:
        r = await advisors.post("/v1/work-logs", json=entry(a, start, end))
        assert assert_problem(r, 409)["field"] == "started_at"
    await log(advisors, b, "02T01:00", "02T03:00")
    second = await log(advisors, a, "02T04:00", "02T05:00")
    r = await advisors.patch(
        f"/v1/work-logs/{second['id']}",
        json={"started_at": "2026-03-02T02:59:00Z"},
        headers={"If-Match": '"v1"'},
    )
    assert assert_problem(r, 409)["field"] == "started_at"
    r = await advisors.patch(
        f"/v1/work-logs/{first['id']}",
        json={"ended_at": "2026-03-02T03:30:00Z"},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 200 and r.json()["version"] == 2


async def test_racing_overlaps_let_one_win(advisors_committed: httpx.AsyncClient) -> None:
    client = advisors_committed
    a = await create(client, 1)
    spans = [
        ("02T01:00", "02T03:00"),
        ("02T02:00", "02T04:00"),
        ("02T02:30", "02T02:45"),
        ("02T00:00", "02T05:00"),
    ]
    replies = await asyncio.gather(
        *(client.post("/v1/work-logs", json=entry(a, s, e)) for s, e in spans)
    )
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409]
    assert len(await listed(client, "/v1/work-logs")) == 1


async def test_time_allocation_by_hand(advisors: httpx.AsyncClient) -> None:
    a = await create(advisors, 1)
    # March: visit 3 h + 2 h, promotion 1 h, travel 1.5 h, admin 0.5 h = 8 h; facing 6 h = 75 %
    await log(advisors, a, "02T01:00", "02T04:00", "visit")
    await log(advisors, a, "02T04:00", "02T05:30", "travel")
    await log(advisors, a, "03T01:00", "03T03:00", "visit")
    await log(advisors, a, "03T03:00", "03T04:00", "promotion")
    await log(advisors, a, "31T23:30", "31T23:59")  # 29 min, still March
    await log(advisors, a, "04T08:00", "04T08:30", "admin")
    r = await advisors.post(
        "/v1/work-logs",
        json={**entry(a, "01T00:00", "01T01:00"), "started_at": "2026-02-28T23:00:00Z"},
    )
    assert r.status_code == 201  # starts in February: not counted
    r = await advisors.get(
        "/v1/work-logs/allocation", params={"advisor_id": a["id"], "period": "2026-03"}
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["total_hours"] == pytest.approx(8.48, abs=0.01)
    assert report["customer_facing_hours"] == pytest.approx(6.48, abs=0.01)
    shares = {t["activity_type"]: (t["hours"], t["share"]) for t in report["by_type"]}
    assert shares["travel"] == (1.5, pytest.approx(100 * 1.5 / 8.4833, abs=0.01))
    assert shares["meeting"] == (0.0, 0.0)
    assert report["customer_facing_share"] == pytest.approx(100 * 6.4833 / 8.4833, abs=0.01)
    r = await advisors.get(
        "/v1/work-logs/allocation", params={"advisor_id": a["id"], "period": "2026-13"}
    )
    assert pointers(r) == ["#/period"]
    r = await advisors.get(
        "/v1/work-logs/allocation", params={"advisor_id": a["id"], "period": "2026-04"}
    )
    assert r.json()["total_hours"] == 0 and r.json()["customer_facing_share"] == 0
