"""Helpers every HTTP test shares: problem documents, pointers, lists and feeds."""

from typing import Any

import httpx

from tests.harness import feed

PROBLEM = "application/problem+json"

__all__ = ["PROBLEM", "assert_problem", "feed", "listed", "pointers"]


def pointers(r: httpx.Response) -> list[str]:
    return [e["pointer"] for e in r.json()["errors"]]


def assert_problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    problem = dict(r.json())
    assert problem["status"] == status
    assert {"type", "title", "status", "detail"} <= problem.keys()
    return problem


async def listed(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    r = await client.get(path, params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])
