"""Where consumers run: inside the service (started and stopped by its lifespan, measured in its
`/metrics`) or as `consume` until SIGTERM, following the source over real HTTP; `rebuild` from
the command line."""

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from chassis.app import ServiceSpec, build_app
from chassis.cli import consume, main, replay
from chassis.settings import BaseServiceSettings
from scripts.stack import free_port
from services.regions.models import tables
from services.regions.settings import MIGRATIONS
from tests.chassis.following import (
    SINK,
    SOURCE,
    Sink,
    consumer_spec,
    following,
    pair,
    publish,
    published,
    sets,
)

__all__ = ["following", "pair"]  # fixtures

SPEC = ServiceSpec(
    name=SINK,
    title="sink",
    description="follows the source's feed",
    version="0",
    event_path="/v1/sink-events",
    event_scope="sinks:read",
    routers=[],
    tables=tables,
    migrations=MIGRATIONS,
    consumers=[consumer_spec()],
)


@pytest.fixture
async def served_source(pair: tuple[FastAPI, Sink]) -> AsyncIterator[str]:
    """The source served over HTTP on a free port."""
    source, _ = pair
    port = free_port()
    config = uvicorn.Config(
        source, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


def sink_settings(sink: Sink, source_url: str, **extra: object) -> BaseServiceSettings:
    return BaseServiceSettings(
        database_url=sink.url,
        environment="test",
        access_log=False,
        log_level="WARNING",
        peer_urls={SOURCE: source_url},
        consumer_wait=1,
        **extra,  # type: ignore[arg-type]
    )


async def test_the_service_runs_its_consumers_and_measures_them(
    pair: tuple[FastAPI, Sink], served_source: str
) -> None:
    source, sink = pair
    await publish(source, sets(0, 5))
    app = build_app(SPEC, sink_settings(sink, served_source))
    async with LifespanManager(app):
        assert await sink.until_count(5) == 5
        await publish(source, sets(5, 3))  # while it long-polls
        assert await sink.until_count(8) == 8
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sink") as client:
            metrics = (await client.get("/metrics")).text
    assert 'feed_consumer_events_applied_total{feed="probes"} 8.0' in metrics
    assert 'feed_consumer_active{feed="probes"} 1.0' in metrics
    assert 'feed_consumer_lag_events{feed="probes"} 0.0' in metrics
    registry = app.state.metrics.registry
    assert registry.get_sample_value("feed_consumer_active", {"feed": "probes"}) == 0  # stopped


async def test_the_service_can_leave_its_consumers_to_another_process(
    pair: tuple[FastAPI, Sink], served_source: str
) -> None:
    source, sink = pair
    await publish(source, sets(0, 2))
    app = build_app(SPEC, sink_settings(sink, served_source, consume_in_process=False))
    async with LifespanManager(app):
        await asyncio.sleep(0.5)
    assert await sink.count() == 0


async def test_consume_follows_until_sigterm(
    pair: tuple[FastAPI, Sink], served_source: str
) -> None:
    source, sink = pair
    await publish(source, sets(0, 4))
    running = asyncio.create_task(consume(SPEC, sink_settings(sink, served_source), [], None))
    assert await sink.until_count(4) == 4
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(running, 10) == 0
    await publish(source, sets(4, 1))
    await asyncio.sleep(0.3)
    assert await sink.count() == 4  # stopped


async def test_rebuild_replays_from_the_start(
    pair: tuple[FastAPI, Sink], served_source: str
) -> None:
    source, sink = pair
    await publish(source, sets(0, 6, keys=2))
    await published(source, 6)
    settings = sink_settings(sink, served_source)
    assert await replay(SPEC, settings, []) == 0
    first = await sink.items()
    assert first == {"k0": 4, "k1": 5}
    assert await replay(SPEC, settings, ["probes"]) == 0
    assert await sink.items() == first and await sink.count() == 6


async def test_commands_refuse_what_is_not_configured(pair: tuple[FastAPI, Sink]) -> None:
    _, sink = pair
    unconfigured = BaseServiceSettings(database_url=sink.url, environment="test")
    assert await replay(SPEC, unconfigured, []) == 2  # no URL for the source
    assert await consume(SPEC, unconfigured, [], None) == 2
    with pytest.raises(ValueError, match="no consumer follows nope"):
        await replay(SPEC, unconfigured, ["nope"])


def test_feed_commands_need_a_service() -> None:
    with pytest.raises(SystemExit):
        main(BaseServiceSettings(), MIGRATIONS, ["rebuild"])  # no spec given
