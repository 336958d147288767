"""Address sets: is a set of sources "the whole internet"? (Shared by the security-group and allow-list rules.)

Openness is a set question: 0.0.0.0/1 and 128.0.0.0/1 in two rules (or two allow-list groups) admit
every IPv4 address as surely as 0.0.0.0/0 does. Sets are unions of ipaddress networks, collapsed with
the standard library; never hand-written masks.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WHOLE = {4: ipaddress.ip_network("0.0.0.0/0"), 6: ipaddress.ip_network("::/0")}


def network(text: str) -> Network | None:
    """An IP address or CIDR block ("10.0.0.1", "10.0.0.0/8", "::/0"); None when it is neither."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def covers_all(nets: Iterable[Network], family: int) -> bool:
    """Whether the union of `nets` (of one family) is the whole address space of that family."""
    same = [n for n in nets if n.version == family]
    return bool(same) and list(ipaddress.collapse_addresses(same)) == [WHOLE[family]]


def open_families(nets: Iterable[Network]) -> list[int]:
    """The families (4, 6) whose whole address space the union of `nets` covers."""
    nets = list(nets)
    return [f for f in (4, 6) if covers_all(nets, f)]
