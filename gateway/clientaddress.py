"""The client's address: the connection's peer, unless that peer is a proxy the settings trust
(`GATEWAY_TRUSTED_PROXIES`, none by default); then the nearest address in `X-Forwarded-For` that
is not a trusted proxy. A caller's own `X-Forwarded-For` is never believed."""

import ipaddress
from collections.abc import Sequence

from chassis.asgi import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_FOR = b"x-forwarded-for"
UNKNOWN = "unknown"


def networks(entries: Sequence[str]) -> list[Network]:
    """`10.0.0.0/8`, `192.0.2.7` or `::1` as networks (one address is a network of one)."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in trusted)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(scope: Scope, trusted: Sequence[Network]) -> str:
    client = scope.get("client")
    peer = str(client[0]) if client else UNKNOWN
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for name, value in scope.get("headers", ())
        if name == FORWARDED_FOR
        for hop in value.decode("latin-1").split(",")
    ]
    nearest = peer
    for hop in reversed(hops):  # from the proxy next to us outwards
        if not _valid(hop):
            break
        nearest = hop
        if not _trusted(hop, trusted):
            break
    return nearest
