"""The Flask app factory: settings -> home -> runtime -> store -> hooks -> blueprints. Nothing
happens at import time.

Hooks run in the order installed: request id and timer, then authentication (an API key, or a
review page's session), then the rate limiter (which needs the caller), then the route.
"""

from __future__ import annotations

from flask import Flask, request

from features.matching import names
from features.reference import load_reference
from service import auth, cors, logs, observe, problems, ratelimit, strict_json, ui
from service.headers import API_CSP, DOCS_CSP, SECURITY_HEADERS, UI_CSP
from service.home import Home
from service.routes import alerts, decisions, docs, meta, score
from service.runtime import Runtime
from service.services import Services
from service.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    logs.configure(settings.log_level)
    app = Flask(__name__)
    app.json = strict_json.Provider(app)  # no NaN or Infinity in a response
    app.url_map.merge_slashes = False  # "a//b" is a 404 problem, not an HTML redirect to "a/b"
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body_bytes, MAX_BATCH=settings.max_batch,
                      MAX_BATCH_PARTIES=settings.max_batch_parties, MAX_BATCH_NAME_CHARS=settings.max_batch_name_chars)
    names.warm_up()  # rigour's name data, now: a preloading master shares one copy with its workers
    runtime = Runtime(Home(settings), load_reference())
    # Likewise the snapshot and the model; loading them also takes all of it out of the garbage
    # collector's walks (`Runtime.current`, `freeze_long_lived`).
    runtime.current()
    app.extensions["diversion_risk"] = runtime
    services = Services.start(settings, runtime)
    app.extensions["diversion_risk_services"] = services
    problems.register(app)
    observe.install(app, services.metrics)
    app.before_request(auth.authenticate)
    ui.install(app, settings)
    ratelimit.install(app, settings)
    cors.install(app, settings.cors_origins)
    for blueprint in (score.bp, decisions.bp, alerts.bp, meta.bp, docs.bp, docs.swagger_ui()):
        app.register_blueprint(blueprint)

    @app.after_request
    def security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        if request.blueprint == "ui":
            response.headers["Content-Security-Policy"] = UI_CSP
        else:
            response.headers["Content-Security-Policy"] = DOCS_CSP if response.mimetype == "text/html" else API_CSP
        return response

    return app
