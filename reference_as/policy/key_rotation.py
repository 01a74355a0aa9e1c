"""Key rotation: when a signing key is published, when it signs, when it goes.

OpenID Connect Core §10.1.1 lets a verifier fetch the JWKS (RFC 7517) again when a
token names a `kid` it does not know, but many verifiers keep the JWKS for as long
as its Cache-Control max-age allows (RFC 9111 §5.2.2.1) and refuse such a token
meanwhile. So a key is published before it signs, and after it stops signing it
stays published until the tokens it signed have expired. A key's life, from its record:

  created_at     "pending": in the JWKS, not signing yet. A rotation makes a key
                 that signs `pending_seconds(jwks_max_age)` later, by which time
                 every copy of the JWKS cached before it was published has expired.
  signs_from     "active": it signs new access tokens, until the next key's
                 `signs_from` (the next in `signing_order`).
  then           "published": it signs no more, and stays in the JWKS one access
                 token lifetime, so that every token it signed verifies until it expires;
  after that     "retired": no longer published; its tokens have expired.
  withdrawn_at   "retired" at once, published no more: an emergency rotation
                 (`keys rotate --now`, a compromised key) withdraws every other key.

Nothing in a record changes when a key starts or stops signing: a key's retirement
is the next key's `signs_from`, computed here. A rotation is therefore one insert,
and two rotations at once cannot leave no key signing (an emergency rotation's
withdrawals are made in the same transaction as its insert).
"""

from ..store.records import SigningKey

PENDING, ACTIVE, PUBLISHED, RETIRED = "pending", "active", "published", "retired"


def pending_seconds(jwks_max_age: int) -> int:
    """How long a new key is published before it signs: the JWKS's max-age, and one
    second more because times are whole seconds (a key made at 100.9 s is recorded at 100)."""
    return jwks_max_age + 1


def signing_order(key: SigningKey) -> tuple:
    """Keys sign in this order; ties (two rotations in one second) are broken the same
    way in every process."""
    return key.signs_from, key.created_at, key.kid


def retirements(keys: list[SigningKey]) -> dict[str, int | None]:
    """kid -> when the key stops signing (the next key's `signs_from`; None: no next
    key yet), for every key not withdrawn."""
    live = sorted((key for key in keys if key.withdrawn_at is None), key=signing_order)
    return {key.kid: (live[n + 1].signs_from if n + 1 < len(live) else None) for n, key in enumerate(live)}


def signing_key(keys: list[SigningKey], now: int) -> SigningKey | None:
    """The key that signs at `now`: the last in signing order whose time has come (if
    the clock was set back before every key's time, the first: it signed then)."""
    live = sorted((key for key in keys if key.withdrawn_at is None), key=signing_order)
    due = [key for key in live if key.signs_from <= now]
    return due[-1] if due else next(iter(live), None)


def state(key: SigningKey, retires_at: int | None, now: int, access_token_ttl: int) -> str:
    """PENDING, ACTIVE, PUBLISHED or RETIRED at `now` (`retires_at` from `retirements`)."""
    if key.withdrawn_at is not None:
        return RETIRED
    if key.signs_from > now:
        return PENDING
    if retires_at is None or retires_at > now:
        return ACTIVE
    return PUBLISHED if retires_at + access_token_ttl > now else RETIRED


def is_published(state_now: str) -> bool:
    return state_now != RETIRED
