"""Signing in and out of the pages."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from service.routes.common import services
from service.ui import session
from service.ui.blueprint import bp


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """The key is read from the form, checked, and forgotten: the session keeps its id only."""
    target = request.values.get("next")
    if request.method == "GET":
        return render_template("ui/sign_in.html", target=target, error=None)
    caller = services().keys.authenticate(request.form.get("key", "").strip())
    if caller is None:
        return render_template("ui/sign_in.html", target=target,
                               error="This key is malformed, unknown or revoked."), 401
    session.sign_in(caller)
    return redirect(session.local_target(target), 303)


@bp.post("/sign-out")
def sign_out():
    session.sign_out()
    return redirect(url_for("ui.sign_in"), 303)
