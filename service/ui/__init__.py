"""The review pages under /ui: server-rendered, for a compliance desk or a customs analyst.

Signing in exchanges an API key for a session cookie (`service.ui.session`); the pages then act
with that key's tenant and scopes, through the same stores and scoring code as the API, so a
decision or outcome made here is recorded as one made through the API with the key.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_wtf.csrf import generate_csrf

from service.settings import Settings
from service.ui import alerts, decisions, lists, signin, upload  # noqa: F401 (each registers its pages)
from service.ui.blueprint import bp
from service.ui.secret import secret_key
from service.ui.session import authenticate


def install(app: Flask, settings: Settings) -> None:
    """Register the pages and their sign-in hook; call after the API's authentication hook and
    before the rate limiter, so a page's caller is known (and limited) as an API caller is."""
    app.secret_key = settings.secret_key or secret_key(settings.home)
    app.config.update(SESSION_COOKIE_NAME="drk_ui", SESSION_COOKIE_PATH="/ui", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_SECURE=bool(settings.ui_secure_cookie),
                      PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.ui_session_hours),
                      WTF_CSRF_TIME_LIMIT=None)  # a token lives as long as its session
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.before_request(authenticate)
    app.register_blueprint(bp)
