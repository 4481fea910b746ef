"""The webhook dispatcher of one gateway replica: a loop reading the feeds and a loop sending
due deliveries, started and stopped with the gateway. Safe with several replicas (see `feeds`
and `delivery`)."""

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from chassis.db import Database
from gateway.proxy import TokenCache, Upstream
from gateway.settings import GatewaySettings
from gateway.webhooks.delivery import Sender
from gateway.webhooks.feeds import FEEDS, FeedPoller

log = logging.getLogger("gateway.webhooks")

STOP_GRACE = 3.0  # seconds the loops get to finish their round when the gateway stops


class Dispatcher:
    def __init__(
        self,
        settings: GatewaySettings,
        db: Database,
        upstreams: Mapping[str, Upstream],
        tokens: TokenCache,
    ) -> None:
        self.settings = settings
        self._stopping = asyncio.Event()
        self.feeds = FeedPoller(settings, db, upstreams, tokens)
        self.sender = Sender(settings, db, self._stopping)
        self._loops: list[asyncio.Task[None]] = []

    @property
    def private_targets_allowed(self) -> bool:
        return self.sender.private_targets_allowed

    def start(self) -> None:
        self._stopping.clear()
        self.sender.open_session()
        self._loops = [
            asyncio.create_task(self._poll_loop(), name="webhooks-poll"),
            asyncio.create_task(self._send_loop(), name="webhooks-send"),
        ]

    async def stop(self) -> None:
        """Stop between database steps, never inside one (on SQLite a transaction cut short
        would keep the write lock): the loops finish their round, posts in flight are cancelled
        (their deliveries stay leased and come due again), recording an answer completes."""
        self._stopping.set()
        self.sender.wake.set()
        for task in list(self.sender.posting):
            task.cancel()
        tasks = [*self._loops, *self.sender.sending]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        self._loops = []
        self.sender.sending.clear()
        await self.sender.close_session()

    async def _poll_loop(self) -> None:
        while not self._stopping.is_set():
            created = 0
            for feed in FEEDS:
                if self._stopping.is_set():
                    return
                try:
                    created += await self.feeds.poll(feed)
                except Exception:  # a service or the database being down must not end the loop
                    log.exception(
                        "reading the %s feed for webhooks failed; will retry", feed.service
                    )
            if created:
                self.sender.wake.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.webhook_poll_interval)

    async def _send_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sender.send_due()
            except Exception:
                log.exception("claiming webhook deliveries failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.sender.wake.wait(), self.settings.webhook_send_interval)
            self.sender.wake.clear()
