"""Idempotency-Key: replay, another payload → 422, in flight → 409, per caller, 5xx not stored."""

import asyncio

import httpx
import pytest

from chassis import idempotency
from chassis.idempotency import canonical
from chassis.testing import auth_headers
from tests.chassis.conftest import SCOPES
from tests.harness import feed


async def test_same_key_and_payload_replays(probe: httpx.AsyncClient) -> None:
    first = await probe.post("/v1/probes", json={"value": 7}, headers={"Idempotency-Key": "k-1"})
    again = await probe.post("/v1/probes", json={"value": 7}, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    await probe.post("/v1/probes", json={"value": 8})  # a marker: once it shows, all before it do
    events = (await feed(probe, "/v1/probe-events", 2))["items"]
    assert [e["data"]["value"] for e in events] == [7, 8]


async def test_same_key_other_payload_is_422(probe: httpx.AsyncClient) -> None:
    await probe.post("/v1/probes", json={"value": 1}, headers={"Idempotency-Key": "k-2"})
    r = await probe.post("/v1/probes", json={"value": 2}, headers={"Idempotency-Key": "k-2"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


async def test_keys_are_scoped_to_the_caller(probe: httpx.AsyncClient) -> None:
    bob = auth_headers("regions", SCOPES, subject="bob")
    a = await probe.post("/v1/probes", json={"value": 1}, headers={"Idempotency-Key": "k-3"})
    b = await probe.post("/v1/probes", json={"value": 1}, headers={"Idempotency-Key": "k-3"} | bob)
    assert "idempotent-replayed" not in b.headers
    assert b.json()["calls"] == a.json()["calls"] + 1


async def test_in_flight_is_409(probe: httpx.AsyncClient) -> None:
    body = {"value": 5, "then": "sleep"}
    slow = asyncio.create_task(
        probe.post("/v1/probes", json=body, headers={"Idempotency-Key": "k-4"})
    )
    await asyncio.sleep(0.1)
    racing = await probe.post("/v1/probes", json=body, headers={"Idempotency-Key": "k-4"})
    assert racing.status_code == 409, (racing.headers, racing.text)
    assert (await slow).status_code == 201
    replay = await probe.post("/v1/probes", json=body, headers={"Idempotency-Key": "k-4"})
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"


async def test_server_error_is_not_stored(probe: httpx.AsyncClient) -> None:
    crash = await probe.post(
        "/v1/probes", json={"then": "crash"}, headers={"Idempotency-Key": "k-5"}
    )
    assert crash.status_code == 500
    again = await probe.post(
        "/v1/probes", json={"then": "crash"}, headers={"Idempotency-Key": "k-5"}
    )
    assert again.status_code == 500 and "idempotent-replayed" not in again.headers


async def test_client_error_is_stored(probe: httpx.AsyncClient) -> None:
    body = {"then": "conflict"}
    first = await probe.post("/v1/probes", json=body, headers={"Idempotency-Key": "k-6"})
    again = await probe.post("/v1/probes", json=body, headers={"Idempotency-Key": "k-6"})
    assert first.status_code == again.status_code == 409
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == "application/problem+json"


async def test_oversized_or_empty_key_is_422_naming_the_header(probe: httpx.AsyncClient) -> None:
    """The contracts declare 422 for a bad request, not 400."""
    for key in ("k" * 300, ""):
        r = await probe.post("/v1/probes", json={}, headers={"Idempotency-Key": key})
        assert r.status_code == 422, key
        assert r.headers["content-type"] == "application/problem+json"
        errors = r.json()["errors"]
        assert errors == [
            {"pointer": "#/idempotency-key", "detail": errors[0]["detail"], "location": "header"}
        ]
        assert "255" in errors[0]["detail"]
    assert (await probe.post("/v1/probes", json={})).json()["calls"] >= 1


async def test_same_json_in_another_order_or_spacing_replays(probe: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "k-7", "content-type": "application/json"}
    first = await probe.post("/v1/probes", content=b'{"value":3,"then":"ok"}', headers=headers)
    for body in (b'{"then": "ok", "value": 3}', b'{\n  "value" : 3 ,\t"then":"ok"\n}\n'):
        again = await probe.post("/v1/probes", content=body, headers=headers)
        assert again.status_code == 201, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
    other = await probe.post("/v1/probes", content=b'{"then": "ok", "value": 4}', headers=headers)
    assert other.status_code == 422


async def test_a_body_too_large_to_keep_is_a_declared_413(
    probe: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "MAX_BODY", 64)
    body = {"value": 1, "then": "ok", "dealer_id": "d" * 100}
    r = await probe.post("/v1/probes", json=body, headers={"Idempotency-Key": "k-big"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    responses = (await probe.get("/openapi.json")).json()["paths"]["/v1/probes"]["post"]
    assert "413" in responses["responses"]


def test_canonical_json_keeps_non_json_bodies_as_bytes() -> None:
    assert canonical(b'{"b": [1, {"d": 2, "c": 1}], "a": null}') == (
        b'{"a":null,"b":[1,{"c":1,"d":2}]}'
    )
    assert canonical(b"not json {") == b"not json {"
    assert canonical(b"a=1&b=2") != canonical(b"b=2&a=1")


async def test_a_retry_the_moment_the_answer_arrives_is_a_replay(
    probe: httpx.AsyncClient,
) -> None:
    """The answer is stored before it is sent: a client retrying as soon as it has the answer
    (here: from inside the server's last `send`) gets the replay, not a 409 "in flight"."""
    app = probe.app  # type: ignore[attr-defined]
    headers = [(k.lower().encode(), v.encode()) for k, v in probe.headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/probes",
        "raw_path": b"/v1/probes",
        "query_string": b"",
        "root_path": "",
        "headers": [
            *headers,
            (b"content-type", b"application/json"),
            (b"idempotency-key", b"k-9"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("probe", 80),
        "state": {},
    }
    sent: list[dict[str, object]] = []
    retried: list[httpx.Response] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b'{"value": 9}', "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            retried.append(
                await probe.post(
                    "/v1/probes",
                    content=b'{"value": 9}',
                    headers={"Idempotency-Key": "k-9", "content-type": "application/json"},
                )
            )

    await app(scope, receive, send)
    assert sent[0]["status"] == 201
    [again] = retried
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
