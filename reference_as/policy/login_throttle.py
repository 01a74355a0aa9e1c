"""Slowing down password guessing at the login form (RFC 6749 §10.10 asks that
guessing credentials be made infeasible; NIST SP 800-63B §5.2.2 asks for
rate limiting of failed attempts, at most 100 on one account).

Failures are counted under three keys, each with its own free attempts:
- the username *from one address* (`login_free_attempts`, 5): the guesser's own
  budget, which costs nobody else anything;
- the address, any usernames (`login_free_attempts_per_address`, 20): one
  machine trying many accounts;
- the account, any addresses (`login_free_attempts_per_account`, 100): many
  machines trying one account.
So a guesser on one address cannot lock the owner out from another address
(that takes the account's hundred), nor a neighbour behind the same address
(that takes twenty). After a key's free attempts, each further attempt waits
2^(failures - free) seconds from the last failure, at most 15 minutes; a count
whose last failure is older than a day is forgotten; a success clears the
three keys of that sign-in.

A failure is counted *before* the password is checked, atomically, and an
attempt goes ahead only if its own place in the count allows it: parallel
attempts cannot all read the old count and slip through together.
"""

MAX_WAIT = 15 * 60
FORGET_AFTER = 24 * 3600


def limits(username: str, address: str, settings) -> list[tuple[str, int]]:
    """The keys a sign-in counts under, each with its free attempts."""
    return [
        (f"user+addr:{address} {username}", settings.login_free_attempts),
        (f"addr:{address}", settings.login_free_attempts_per_address),
        (f"user:{username}", settings.login_free_attempts_per_account),
    ]


def wait_seconds(failures: tuple[int, int] | None, now: int, free_attempts: int) -> int:
    """How long until another attempt is allowed (0: now), after `failures` =
    (count, time of the last failure)."""
    if failures is None:
        return 0
    count, last = failures
    if now - last > FORGET_AFTER or count < free_attempts:
        return 0
    wait = min(2 ** (count - free_attempts), MAX_WAIT)
    return max(0, last + wait - now)


def wait_for_counted(counted: tuple[int, int | None], now: int, free_attempts: int) -> int:
    """For an attempt already counted: `counted` = (its place in the count, the time
    of the failure before it). 0 if the failures before it allowed it."""
    place, before = counted
    return wait_seconds((place - 1, before) if before is not None else None, now, free_attempts)
