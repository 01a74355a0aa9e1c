"""Every check, in the order of a flow: the authorization request, its response (the
traps), the token request, the code's redemption, the resource call, then what the
server cannot see. Each module cites its RFC sections."""

from . import (
    bearer,
    client_auth,
    code_redemption,
    csrf,
    not_observable,
    pkce,
    redirect_uri,
    refresh,
    scopes,
    token_life,
    traps,
)

CHECKS = (
    *pkce.CHECKS,
    *csrf.CHECKS,
    *redirect_uri.CHECKS,
    *scopes.CHECKS,
    *traps.CHECKS,
    *client_auth.CHECKS,
    *code_redemption.CHECKS,
    *refresh.CHECKS,
    *bearer.CHECKS,
    *token_life.CHECKS,
    *not_observable.CHECKS,
)
