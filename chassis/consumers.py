"""The consumers a service runs, built from its settings: inside the app (started and stopped by
its lifespan), in a process of their own (`consume`), or replayed from the start (`rebuild`)."""

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy import Table

from chassis.consumer import Backoff, ConsumerMetrics, ConsumerSpec, FeedConsumer
from chassis.db import Database
from chassis.leader import leadership
from chassis.peers import PeerSigner
from chassis.settings import BaseServiceSettings

log = logging.getLogger("chassis.consumers")
STOP_GRACE = 5.0  # seconds the consumers get to finish the page they are applying
REBUILD_SETTLE = 1.0  # a rebuild's last read waits this long for events about to be served


@dataclass
class Consumers:
    consumers: list[FeedConsumer]
    clients: list[httpx.AsyncClient] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def __iter__(self) -> Iterator[FeedConsumer]:
        return iter(self.consumers)

    def __len__(self) -> int:
        return len(self.consumers)

    def start(self) -> None:
        self._stopping.clear()
        self._tasks = [
            asyncio.create_task(c.run(self._stopping), name=f"consume:{c.feed}")
            for c in self.consumers
        ]

    async def stop(self) -> None:
        """Stop between pages: a long-poll is cut short, a page being applied completes."""
        self._stopping.set()
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self.close()

    async def run(self, stopping: asyncio.Event) -> None:
        """Follow every feed until `stopping` is set."""
        self.start()
        await stopping.wait()
        await self.stop()

    async def rebuild(self) -> dict[str, int]:
        """Reset each consumer (its copies emptied, its position at the start) and replay its
        feed to the end; the events applied per feed."""
        applied = {}
        for consumer in self.consumers:
            await consumer.reset()
            applied[consumer.feed] = await consumer.catch_up(settle=REBUILD_SETTLE)
        return applied

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()
        for consumer in self.consumers:
            await consumer.leader.release()


def build_consumers(
    specs: Sequence[ConsumerSpec],
    *,
    service: str,
    settings: BaseServiceSettings,
    db: Database,
    cursors: Table,
    metrics: ConsumerMetrics | CollectorRegistry,
    feeds: Sequence[str] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    backoff: Callable[[], Backoff] = Backoff,
) -> Consumers:
    """A consumer for each spec (or each named in `feeds`) whose source has a URL in
    `peer_urls`; naming a feed that isn't configured is an error."""
    known = {spec.feed for spec in specs}
    unknown = sorted(set(feeds) - known)
    if unknown:
        raise ValueError(f"no consumer follows {', '.join(unknown)} (known: {sorted(known)})")
    chosen = [s for s in specs if not feeds or s.feed in feeds]
    missing = [s for s in chosen if s.source not in settings.peer_urls]
    for spec in missing:
        if feeds:
            raise ValueError(f"{spec.feed}: no URL for {spec.source} in peer_urls")
        log.warning("not following %s: no URL for %s in peer_urls", spec.feed, spec.source)
    chosen = [s for s in chosen if s not in missing]
    if not chosen:
        return Consumers([])
    key = settings.signing_key(service)
    if key is None:
        raise ValueError("service_private_key is needed to read other services' feeds")
    signer = PeerSigner(key, service)
    if isinstance(metrics, CollectorRegistry):
        metrics = ConsumerMetrics(metrics)
    group = Consumers([])
    for spec in chosen:
        client = httpx.AsyncClient(
            base_url=settings.peer_urls[spec.source],
            transport=transport,
            timeout=httpx.Timeout(settings.consumer_wait + 10, connect=5),
        )
        group.clients.append(client)
        group.consumers.append(
            FeedConsumer(
                spec,
                db=db,
                cursors=cursors,
                client=client,
                signer=signer,
                metrics=metrics,
                leader=leadership(db.url, f"consumer:{spec.feed}"),
                batch=settings.consumer_batch,
                wait=settings.consumer_wait,
                backoff=backoff(),
            )
        )
    return group


def app_consumers(
    state: Any,
    specs: Sequence[ConsumerSpec],
    *,
    service: str,
    settings: BaseServiceSettings,
    cursors: Table,
) -> Consumers:
    """The consumers an app runs in its own process (none when `consume_in_process` is off),
    measured in the app's `/metrics`."""
    if not specs or not settings.consume_in_process:
        return Consumers([])
    if getattr(state, "consumer_metrics", None) is None:
        state.consumer_metrics = ConsumerMetrics(state.metrics.registry)
    return build_consumers(
        specs,
        service=service,
        settings=settings,
        db=state.db,
        cursors=cursors,
        metrics=state.consumer_metrics,
    )
