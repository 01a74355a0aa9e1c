"""The protected resources tokens are issued for (RFC 8707), in one place.

Three sources, one list: the sample resource `/api/me` (`<issuer>/api`), the
`resources` setting (each accepting every scope), and the resources an
administrator registered (`reference-as resources add`, /admin/resources),
each with the scopes it accepts. The CLI, the admin pages, the authorization
and token endpoints and the metadata document all ask this module.
"""

from dataclasses import dataclass

from .clock import Clock
from .config import Settings
from .errors import OAuthError
from .policy import rfc8707_resources as rfc8707
from .store import Store
from .store.records import Resource


class InvalidResource(ValueError):
    """A resource cannot be registered as described; the message says why."""


@dataclass(frozen=True)
class Target:
    """What a token is for: its resources (RFC 8707); none named: the default audience."""

    resources: tuple[str, ...]
    default: str

    @property
    def audience(self) -> str | list[str]:
        return rfc8707.audience(self.resources or (self.default,))


class Resources:
    def __init__(self, store: Store, settings: Settings, clock: Clock):
        self.store = store
        self.settings = settings
        self.clock = clock

    # -- administration ---------------------------------------------------------------

    def add(self, uri: str, scopes: tuple[str, ...]) -> Resource:
        """Register (or re-register) `uri`, accepting `scopes` (none given: every scope)."""
        try:
            rfc8707.check_uri(uri)
        except rfc8707.InvalidTarget as error:
            raise InvalidResource(str(error)) from None
        if uri in self._fixed():
            raise InvalidResource(f"{uri} is set in the configuration (or is the sample resource) already")
        for scope in scopes:
            if scope not in self.settings.scopes:
                raise InvalidResource(f"scope {scope!r} is not one of {', '.join(self.settings.scopes)}")
        resource = Resource(uri, tuple(scopes) or self.settings.scopes, self.clock.now())
        self.store.add_resource(resource)
        return resource

    def delete(self, uri: str) -> None:
        if not self.store.delete_resource(uri):
            raise InvalidResource(f"no registered resource {uri}")

    def known(self) -> dict[str, tuple[str, ...]]:
        """Every resource and the scopes it accepts, the fixed ones first."""
        return {**self._fixed(), **{r.uri: r.scopes for r in self.store.list_resources()}}

    def _fixed(self) -> dict[str, tuple[str, ...]]:
        every = self.settings.scopes
        uris = (self.settings.sample_resource, self.settings.resource_audience, *self.settings.resources)
        return dict.fromkeys(uris, every)

    # -- requests ---------------------------------------------------------------------

    def target(self, values: list[str], scopes: tuple[str, ...], granted: tuple[str, ...] | None = None) -> Target:
        """What a token (or a code) asked for with `values` (the request's `resource`
        parameters) and `scopes` is for. `granted`: the grant's resources, for a code or
        refresh token request (RFC8707-2.2: these or fewer); None for a new authorization
        or a client credentials request, which may name any known resource.
        RFC8707-2 invalid_target: a malformed, unknown or ungranted resource;
        invalid_scope: a scope none of the resources accepts."""
        default = self.settings.resource_audience
        known = self.known()
        try:
            resources = rfc8707.requested(values)
            if granted is None:
                rfc8707.check_known(resources, known)
            else:
                resources = rfc8707.narrowed(resources, granted, default)
        except rfc8707.InvalidTarget as error:
            raise OAuthError("invalid_target", str(error)) from None
        scope = rfc8707.unaccepted_scope(scopes, resources or (default,), known)
        if scope is not None:
            raise OAuthError("invalid_scope", f"The scope {scope!r} is not accepted by the resource requested.")
        return Target(resources, default)
