"""What a form post made, shown once on the page it redirects to (post/redirect/get).

The admin's post that makes a client secret (a new client, a rotated secret)
does not answer with the secret itself: a reload would post again (a second
client, another rotation), and the page could be fetched again from the
browser's history. The post leaves what it made in the session's one-time
slot (`Store.put_once`) and redirects to the client's page; that page takes it
out (`Store.take_once`) and shows it; a reload finds the slot empty and shows
the secret masked. The secret is never in a URL.

In the slot it is sealed (AES-256-GCM under a key derived from the master key,
with the session's hash as associated data, so it opens for that session
only): the database never holds the secret in clear, not even for the moment
between the post and the page. It is shown only within SHOWN_FOR seconds of
the post.
"""

import json
from dataclasses import dataclass

from .clock import Clock
from .secret_box import SecretBox, SecretKeyError
from .sessions import Current
from .store import Store

SHOWN_FOR = 300  # seconds: the redirect is followed at once; a page opened much later shows the secret masked


@dataclass(frozen=True)
class Made:
    """What the post made: `event` is "created" or "rotated"; `secret` None for a public client."""

    client_id: str
    event: str
    secret: str | None


class ShownOnce:
    def __init__(self, store: Store, box: SecretBox, clock: Clock):
        self.store = store
        self.box = SecretBox(box.derive_key("reference-as one-time slot"))
        self.clock = clock

    def hold(self, current: Current, made: Made) -> None:
        """Leave `made` in the session's slot for the next page."""
        text = json.dumps({"made": made.__dict__, "until": self.clock.now() + SHOWN_FOR})
        self.store.put_once(current.session.session_hash, self.box.seal(text.encode(), _bound_to(current)))

    def take(self, current: Current, client_id: str) -> Made | None:
        """What the slot held for `client_id`, once; the slot is empty afterwards, whatever it held."""
        sealed = self.store.take_once(current.session.session_hash)
        if sealed is None:
            return None
        try:
            held = json.loads(self.box.open(sealed, _bound_to(current)))
        except SecretKeyError:  # sealed under another master key: nothing to show
            return None
        made = Made(**held["made"])
        return made if made.client_id == client_id and self.clock.now() <= held["until"] else None


def _bound_to(current: Current) -> bytes:
    return b"one-time slot of session " + current.session.session_hash.encode()
