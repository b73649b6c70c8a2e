"""Signing in to the review pages: an API key, checked once, exchanged for a session cookie.

The cookie (signed, HttpOnly, SameSite=Strict, path /ui) holds only the key's id, never the key:
each page asks the key store for that id's caller, so a revoked key signs its sessions out at
their next page. Every form carries a CSRF token (Flask-WTF's, bound to the session) checked
before any POST is handled.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from service.keys import Caller
from service.problems import Problem
from service.routes.common import services

BLUEPRINT = "ui"
OPEN_ENDPOINTS = {"ui.sign_in", "ui.static"}  # what a visitor without a session may see


def authenticate():
    """before_request for the pages: check the CSRF token of every POST, then the session's caller
    (into `g.caller`, as the API's authentication does); without one, off to the sign-in page."""
    if request.blueprint != BLUEPRINT:
        return None
    if request.method == "POST":
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            raise Problem(400, "Form expired", "This form's security token is missing or out of date: "
                          "reload the page and send it again.") from None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    key_id = session.get("key_id")
    caller = services().keys.caller_of(key_id) if isinstance(key_id, str) else None
    if caller is None:
        session.clear()
        return redirect(url_for("ui.sign_in", next=request.full_path if request.method == "GET" else None))
    g.caller = caller
    return None


def sign_in(caller: Caller) -> None:
    """A new session for `caller` (a fresh cookie and CSRF token, never the visitor's old one)."""
    session.clear()
    session.permanent = True
    session["key_id"] = caller.key_id


def sign_out() -> None:
    session.clear()


def local_target(target: str | None) -> str:
    """Where to go after signing in: a page of this site, never another's (an open redirect)."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/ui/") or "\\" in (target or ""):
        return url_for("ui.queue")
    return target.rstrip("?")


def needs(scope: str) -> Callable:
    """Mark a page as needing the signed-in key to hold `scope`; 403 otherwise."""
    def mark(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if not g.caller.may(scope):
                raise Problem(403, "Forbidden", f"The key you signed in with lacks the `{scope}` scope this needs.")
            return view(*args, **kwargs)
        return checked
    return mark
