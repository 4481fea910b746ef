"""Dealer capabilities and contacts, and the lifecycle stage: forward one step, back with a
reason, every transition recorded with its day (never before the previous one, never in the
future), reason and actor."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.dealers.helpers import (
    assert_problem,
    body,
    count,
    create,
    feed,
    partner,
    pointers,
    url,
)

STAGES = ["identified", "negotiating", "partner", "advised", "synergy"]
TODAY = datetime.now(UTC).date()


def transitions(dealer: dict[str, Any]) -> str:
    return f"{url(dealer)}/transitions"


async def move(client: httpx.AsyncClient, dealer: dict[str, Any], **body: Any) -> httpx.Response:
    return await client.post(transitions(dealer), json=body)


async def test_capabilities_and_contacts_round_trip(dealers: httpx.AsyncClient) -> None:
    contacts = [
        {"name": "王经理", "mobile": "13800138000", "role": "采购"},
        {"name": "李会计", "mobile": "15900001111", "role": None},
    ]
    dealer = await create(
        dealers,
        1,
        warehouse_m2=1200,
        vehicles=6,
        sales_staff=14,
        annual_turnover="35000000.5",
        contacts=contacts,
    )
    got = (await dealers.get(url(dealer))).json()
    assert (got["warehouse_m2"], got["vehicles"], got["sales_staff"]) == (1200, 6, 14)
    assert got["annual_turnover"] == "35000000.50"
    assert got["contacts"] == contacts
    assert got["lifecycle_stage"] == "identified"


async def test_defaults_leave_capabilities_empty(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    assert dealer["contacts"] == [] and dealer["annual_turnover"] is None
    assert dealer["warehouse_m2"] is None


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"contacts": [{"name": "王", "mobile": "12345678901"}]}, "#/contacts/0/mobile"),
        (
            {"contacts": [{"name": "王", "mobile": "13800138000"}, {"name": "李", "mobile": "1"}]},
            "#/contacts/1/mobile",
        ),
        ({"contacts": [{"name": "王"}]}, "#/contacts/0/mobile"),
        ({"contacts": [{"name": "王", "mobile": "13800138000", "x": 1}]}, "#/contacts/0/x"),
        ({"warehouse_m2": -1}, "#/warehouse_m2"),
        ({"vehicles": "3"}, "#/vehicles"),
        ({"sales_staff": 2.5}, "#/sales_staff"),
        ({"annual_turnover": 1000}, "#/annual_turnover"),
        ({"annual_turnover": "-5"}, "#/annual_turnover"),
    ],
)
async def test_bad_profile_fields_are_named_and_nothing_is_written(
    dealers: httpx.AsyncClient, extra: dict[str, Any], pointer: str
) -> None:
    r = await dealers.post("/v1/dealers", json=body(1, **extra))
    assert_problem(r, 422)
    assert pointer in pointers(r)
    assert await count(dealers) == 0


async def test_contacts_are_replaced_by_update(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1, contacts=[{"name": "王", "mobile": "13800138000"}])
    new = [{"name": "赵", "mobile": "18612345678", "role": "老板"}]
    r = await dealers.patch(url(dealer), json={"contacts": new}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert r.json()["contacts"] == new
    bad = await dealers.patch(
        url(dealer),
        json={"contacts": [{"name": "x", "mobile": "28612345678"}]},
        headers={"If-Match": '"v2"'},
    )
    assert_problem(bad, 422)
    assert pointers(bad) == ["#/contacts/0/mobile"]
    assert (await dealers.get(url(dealer))).json()["contacts"] == new


async def test_the_stage_moves_forward_one_step_at_a_time(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    for n, stage in enumerate(STAGES[1:], start=2):
        r = await move(dealers, dealer, to=stage)
        assert r.status_code == 200, r.text
        assert r.json()["lifecycle_stage"] == stage and r.json()["id"] == dealer["id"]
        assert r.headers["etag"] == f'"v{n}"'
    got = await dealers.get(url(dealer))
    assert got.json()["lifecycle_stage"] == "synergy"
    assert got.json()["version"] == 5


@pytest.mark.parametrize("target", ["partner", "advised", "synergy"])
async def test_a_stage_jump_is_refused_naming_the_field(
    dealers: httpx.AsyncClient, target: str
) -> None:
    dealer = await create(dealers, 1)
    r = await move(dealers, dealer, to=target, reason="skip")
    assert pointers(r) == ["#/to"] and r.status_code == 409
    assert "negotiating" in r.json()["errors"][0]["detail"]  # the move that is allowed
    assert (await dealers.get(url(dealer))).json()["lifecycle_stage"] == "identified"
    assert (await dealers.get(transitions(dealer))).json()["items"] == []


async def test_going_back_needs_a_reason_and_may_skip_stages(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    for day, stage in zip(("2026-09-01", "2026-09-10", "2026-09-20"), STAGES[1:4], strict=True):
        assert (await move(dealers, dealer, to=stage, on=day)).status_code == 200
    r = await move(dealers, dealer, to="identified")
    assert_problem(r, 422)
    assert pointers(r) == ["#/reason"]
    r = await move(dealers, dealer, to="negotiating", reason="合作中止", on="2026-10-01")
    assert r.status_code == 200, r.text
    assert r.json()["lifecycle_stage"] == "negotiating"
    record = (await dealers.get(transitions(dealer))).json()["items"][-1]
    assert (record["from"], record["to"]) == ("advised", "negotiating")
    assert record["reason"] == "合作中止" and record["on"] == "2026-10-01"
    assert record["actor"] == "test-user" and record["dealer_id"] == dealer["id"]


async def test_the_same_stage_is_a_conflict(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    r = await move(dealers, dealer, to="identified", reason="x")
    assert assert_problem(r, 409)["field"] == "to"
    assert pointers(r) == ["#/to"]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"to": "won"}, "#/to"),
        ({}, "#/to"),
        ({"to": "negotiating", "on": "2026-13-01"}, "#/on"),
        ({"to": "negotiating", "reason": ""}, "#/reason"),
        ({"to": "negotiating", "reason": " \t\u3000"}, "#/reason"),
        ({"to": "negotiating", "on": "9999-12-31"}, "#/on"),
        ({"to": "negotiating", "on": "0001-01-01"}, "#/on"),
        ({"to": "negotiating", "on": (TODAY + timedelta(days=3)).isoformat()}, "#/on"),
        ({"to": "negotiating", "on": 20261101}, "#/on"),
        ({"to_stage": "negotiating"}, "#/to_stage"),
    ],
)
async def test_bad_transitions_are_named(
    dealers: httpx.AsyncClient, body: dict[str, Any], pointer: str
) -> None:
    dealer = await create(dealers, 1)
    r = await move(dealers, dealer, **body)
    assert pointer in pointers(r)
    assert (await dealers.get(url(dealer))).json()["version"] == 1


async def test_history_lists_every_transition_in_order(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    await move(dealers, dealer, to="negotiating")
    await move(dealers, dealer, to="partner")
    await move(dealers, dealer, to="identified", reason="lost")
    r = await dealers.get(transitions(dealer), params={"limit": 2})
    page = r.json()
    assert [(t["from"], t["to"]) for t in page["items"]] == [
        ("identified", "negotiating"),
        ("negotiating", "partner"),
    ]
    rest = (await dealers.get(transitions(dealer), params={"cursor": page["next_cursor"]})).json()
    assert [t["to"] for t in rest["items"]] == ["identified"]
    assert rest["items"][0]["on"] == TODAY.isoformat()
    assert rest["next_cursor"] is None
    r = await dealers.get("/v1/dealers", params={"lifecycle_stage": "identified"})
    assert [d["id"] for d in r.json()["items"]] == [dealer["id"]]


async def test_a_stale_if_match_changes_nothing(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    r = await dealers.post(
        transitions(dealer), json={"to": "negotiating"}, headers={"If-Match": '"v7"'}
    )
    assert_problem(r, 412)
    assert (await dealers.get(url(dealer))).json()["lifecycle_stage"] == "identified"


async def test_partners_read_their_history_but_cannot_move_stages(
    dealers: httpx.AsyncClient,
) -> None:
    mine, theirs = await create(dealers, 1), await create(dealers, 2)
    await move(dealers, mine, to="negotiating")
    headers = partner(mine)
    assert len((await dealers.get(transitions(mine), headers=headers)).json()["items"]) == 1
    assert_problem(await dealers.get(transitions(theirs), headers=headers), 404)
    r = await dealers.post(transitions(mine), json={"to": "partner"}, headers=headers)
    assert_problem(r, 403)
    r = await dealers.post(transitions(theirs), json={"to": "negotiating"}, headers=headers)
    assert_problem(r, 404)
    assert (await dealers.get(url(theirs))).json()["lifecycle_stage"] == "identified"


async def test_a_transition_emits_an_event(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    dealer = await create(client, 1)
    await move(client, dealer, to="negotiating", reason="签约意向")
    items = (await feed(client, "/v1/dealer-events", 2, type="dealer.stage_changed"))["items"]
    assert [(e["data"]["from"], e["data"]["to"]) for e in items] == [("identified", "negotiating")]
    assert items[0]["dealer_ids"] == [dealer["id"]]


async def test_racing_transitions_record_one_move(dealers_committed: httpx.AsyncClient) -> None:
    client = dealers_committed
    dealer = await create(client, 1)
    results = await asyncio.gather(*(move(client, dealer, to="negotiating") for _ in range(4)))
    codes = sorted(r.status_code for r in results)
    assert codes[0] == 200 and set(codes[1:]) <= {409, 412}, codes
    history = (await client.get(transitions(dealer))).json()["items"]
    assert len(history) == 1
    assert (await client.get(url(dealer))).json()["version"] == 2


async def test_a_change_is_never_dated_before_the_previous_one(dealers: httpx.AsyncClient) -> None:
    dealer = await create(dealers, 1)
    assert (await move(dealers, dealer, to="negotiating", on="2026-10-10")).status_code == 200
    r = await move(dealers, dealer, to="partner", on="2026-10-09")
    assert_problem(r, 422)
    assert pointers(r) == ["#/on"] and "2026-10-10" in r.json()["errors"][0]["detail"]
    assert (await dealers.get(url(dealer))).json()["lifecycle_stage"] == "negotiating"
    same_day = await move(dealers, dealer, to="partner", on="2026-10-10")
    assert same_day.status_code == 200, same_day.text
    history = (await dealers.get(transitions(dealer))).json()["items"]
    assert [t["on"] for t in history] == ["2026-10-10", "2026-10-10"]
