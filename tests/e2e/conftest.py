"""The real processes on free ports, shared by the end-to-end modules."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from scripts.stack import SERVICES, Stack, free_port
from tests.harness import Databases


def start_stack(databases: Databases, backend: str, purpose: str) -> Stack:
    urls = {
        name: asyncio.run(databases.url(name, backend, purpose)) for name in (*SERVICES, "gateway")
    }
    ports = {name: free_port() for name in ("gateway", *SERVICES)}
    stack = Stack(urls, ports=ports, extra_env={"GATEWAY_DEV_AUTH": "true"}, quiet=True)
    stack.start_all()
    stack.wait_ready()
    return stack


@pytest.fixture(scope="module")
def stack(backend: str, databases: Databases) -> Iterator[Stack]:
    stack = start_stack(databases, backend, "e2e")
    try:
        yield stack
    finally:
        stack.stop_all()


@pytest.fixture
def gw(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as client:
        yield client
