"""Who may call what: every route needs a Bearer key with a scope, unless it is marked public.

Routes declare their scope with `@requires("read")` or `@public`; a route that declares neither
is refused to everyone (a forgotten decorator fails closed). The caller is kept in `g.caller`
for the decision record, the rate limiter and the request log.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request

from service.keys import Caller
from service.problems import Problem
from service.routes.common import services

PUBLIC_BLUEPRINTS = {"swagger_ui"}  # the bundled /docs pages
SESSION_BLUEPRINTS = {"ui"}  # the review pages sign in with a session cookie instead (service/ui/session.py)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="diversion-risk"'}


def requires(*scopes: str) -> Callable:
    """Mark a view as needing a key holding any one of `scopes`."""
    def mark(view: Callable) -> Callable:
        view.scopes = scopes
        return view
    return mark


def public(view: Callable) -> Callable:
    view.scopes = ()
    return view


def presented_caller() -> Caller | None:
    """The caller of the `Authorization: Bearer` key sent, None without a valid one. Public routes
    may ask too: /readyz shows worker ids to an admin key only."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return services().keys.authenticate(key.strip()) if scheme.lower() == "bearer" else None


def authenticate() -> None:
    """before_request: 401 without a valid key, 403 without the route's scope."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.blueprint in PUBLIC_BLUEPRINTS | SESSION_BLUEPRINTS:
        return  # no such route: routing answers 404 or 405
    if request.method == "OPTIONS":
        return  # a CORS preflight carries no key; Flask's answer lists the methods, nothing more
    scopes = getattr(view, "scopes", None)
    if scopes == ():
        return
    if not request.headers.get("Authorization"):
        raise Problem(401, "Unauthorized", "Send an API key as `Authorization: Bearer KEY`.", headers=CHALLENGE)
    scheme = request.headers["Authorization"].partition(" ")[0]
    if scheme.lower() != "bearer":
        raise Problem(401, "Unauthorized", "The Authorization header lacks the `Bearer ` prefix: send "
                      "`Authorization: Bearer KEY`.", headers=CHALLENGE)
    caller = presented_caller()
    if caller is None:
        raise Problem(401, "Unauthorized", "The API key is malformed, unknown or revoked.",
                      headers={"WWW-Authenticate": CHALLENGE["WWW-Authenticate"] + ', error="invalid_token"'})
    g.caller = caller
    if not scopes or not any(caller.may(s) for s in scopes):
        raise Problem(403, "Forbidden", f"This key lacks the scope this route needs ({' or '.join(scopes) or 'none'}).")
