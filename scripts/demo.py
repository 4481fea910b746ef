"""Demo data loaded once by `make run`, through the gateway like any client would. Each service
has its own loader; they run in the order their references need."""

import sys

import httpx

from scripts.demo_advisors import load_advisor_work, load_advisors
from scripts.demo_dealers import load_dealers
from scripts.demo_orders import load_orders
from scripts.demo_regions import load_regions
from scripts.demo_stock import load_stock
from scripts.demo_support import demo_uscc

__all__ = ["demo_uscc", "load_demo"]


def load_demo(gateway_url: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        regions = load_regions(client)
        advisors = load_advisors(client, regions)
        dealers = load_dealers(client, regions, advisors)
        load_advisor_work(client, advisors)  # assignments and visits name the dealers and outlets
        load_orders(client, load_stock(client, dealers))


if __name__ == "__main__":  # `python -m scripts.demo <gateway URL>`: load (or top up) the demo
    load_demo(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
