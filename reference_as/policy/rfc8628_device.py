"""RFC 8628, OAuth 2.0 Device Authorization Grant: the rules for its codes and its polling.
https://www.rfc-editor.org/rfc/rfc8628

A device that cannot show a browser (a CLI, a TV) asks for a pair of codes
(§3.1-3.2): a `device_code`, which only the device ever holds and polls the
token endpoint with (§3.4-3.5), and a short `user_code`, which a person types
at the verification page on another device (§3.3). This module holds the pure
rules; the endpoints (`endpoints/device_authorization.py`,
`endpoints/device_verification.py`) and the validator apply them.

- Device codes are 256-bit random values like every other credential here
  (`secrets.new_secret`, RFC 8628 §5.2: guessing one must be infeasible), and
  stored by their hash.
- User codes follow §6.1's example: 8 characters from a 20-letter alphabet of
  consonants (no vowels, so no words; no look-alike digits), shown as
  `BDFG-HJKL`; typed case- and dash-insensitively. 20^8 is about 2^34.6: on
  its own far too little against guessing, which is why §5.1 asks that the
  verification page limit attempts (`endpoints/device_verification.py`: per
  address, and per device code, which dies after its limit).
- Polling (§3.5): the device waits `interval` seconds (5 by default) between
  two token requests; one that comes sooner is answered `slow_down`, and the
  interval of that device code grows by 5 seconds, for this and every later
  poll. The store keeps the next allowed poll time per device code, so the
  server enforces the interval rather than only announcing it.
"""

import math
import secrets as random

from . import secrets

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"  # RFC 8628 §3.4

# RFC8628-6.1: the example alphabet: 20 consonants, no vowels (no words), no
# look-alikes such as 0/O or 1/I.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
GROUP = 4  # shown in groups of four: BDFG-HJKL

# RFC8628-3.2 / 3.5: the default interval, and what each slow_down adds to it.
DEFAULT_INTERVAL = 5
SLOW_DOWN_STEP = 5


def new_device_code() -> str:
    """RFC8628-5.2: a device code is a bearer credential: 256 random bits."""
    return secrets.new_secret()


def new_user_code() -> str:
    """RFC8628-6.1: 8 characters from the 20-letter alphabet, uniformly random."""
    return "".join(random.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))


# RFC8628-5.1, 6.1: the user code's entropy in bits: log2(20^8) ≈ 34.6.
USER_CODE_BITS = USER_CODE_LENGTH * math.log2(len(USER_CODE_ALPHABET))


def shown(user_code: str) -> str:
    """The user code as a person reads it (RFC 8628 §6.1): `BDFGHJKL` -> `BDFG-HJKL`."""
    return "-".join(user_code[i : i + GROUP] for i in range(0, len(user_code), GROUP))


def normalised(typed: str) -> str | None:
    """RFC8628-6.1 RECOMMENDED: what a person typed, case-insensitive, dashes and spaces
    ignored; None when it cannot be a user code (wrong length or a letter outside the
    alphabet), so that no look-up is made for it."""
    code = "".join(ch for ch in typed.upper() if ch not in "- \t")
    if len(code) != USER_CODE_LENGTH or any(ch not in USER_CODE_ALPHABET for ch in code):
        return None
    return code


def hash_user_code(user_code: str) -> str:
    """The stored form of a (normalised) user code."""
    return secrets.hash_secret("user_code:" + user_code)


def address_key(address: str) -> str:
    """RFC8628-5.1: the key unknown user codes from one address are counted under (the
    store's failure counters, which the sign-in throttle uses under keys of its own)."""
    return "device-addr:" + address


# -- polling (RFC 8628 §3.5) ----------------------------------------------------------


def after_poll(interval: int, next_poll_at: int, now: int) -> tuple[bool, int, int]:
    """RFC8628-3.5 MUST: a poll before `next_poll_at` is too fast (`slow_down`), and the
    interval grows by 5 s "for this and all subsequent requests"; either way the next
    poll is allowed `interval` seconds from now. (too fast, interval, next poll time)."""
    too_fast = now < next_poll_at
    if too_fast:
        interval += SLOW_DOWN_STEP
    return too_fast, interval, now + interval


# What a device code's poll finds, in the order they are judged.
SPENT, EXPIRED, DEAD, DENIED, APPROVED, PENDING = "spent", "expired", "dead", "denied", "approved", "pending"


def status(record, now: int, max_entries: int) -> str:
    """Where a device authorization stands (RFC 8628 §3.5): spent (its tokens were
    issued), expired, dead (its user code was entered more than `max_entries` times:
    §5.1's brute-force limit), denied or approved by the user, or still pending."""
    if record.used_at is not None:
        return SPENT
    if record.expires_at <= now:
        return EXPIRED
    if record.entries > max_entries:
        return DEAD
    if record.denied_at is not None:
        return DENIED
    if record.approved_at is not None:
        return APPROVED
    return PENDING
