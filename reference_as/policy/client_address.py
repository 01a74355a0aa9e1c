"""Whose request this is: the client's address, for the sign-in throttle.

Behind a reverse proxy every request arrives from the proxy, which names the
client it forwards in `X-Forwarded-For`, each proxy on the way appending the
address it received the request from. Only what trusted proxies wrote can be
believed: reading from the right, the first address that is not a trusted
proxy is the client. A request that does not come from a trusted proxy is
from its peer address, whatever its `X-Forwarded-For` says (anyone can write
one, and a throttle keyed on it would be escaped by writing a new one each time).
"""


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: tuple[str, ...]) -> str:
    address = peer or "unknown"
    if address not in trusted_proxies or not forwarded_for:
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if hop and hop not in trusted_proxies:
            return hop
    return address
