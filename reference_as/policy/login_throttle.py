"""Slowing down password guessing at the login form (RFC 6749 §10.10 asks that
guessing credentials be made infeasible; NIST SP 800-63B §5.2.2 asks for
rate limiting of failed attempts).

Failures are counted per username and per client address. The first
`free_attempts` failures cost nothing; after that each further attempt must
wait 2^(failures - free_attempts) seconds from the last failure, capped at 15
minutes. A success clears the username's count. A count whose last failure is
older than a day is forgotten.
"""

MAX_WAIT = 15 * 60
FORGET_AFTER = 24 * 3600


def wait_seconds(failures: tuple[int, int] | None, now: int, free_attempts: int) -> int:
    """How long until another attempt is allowed (0: now)."""
    if failures is None:
        return 0
    count, last = failures
    if now - last > FORGET_AFTER or count < free_attempts:
        return 0
    wait = min(2 ** (count - free_attempts), MAX_WAIT)
    return max(0, last + wait - now)
