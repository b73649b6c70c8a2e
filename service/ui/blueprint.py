"""The pages' blueprint, its templates and assets (all served from here: nothing from a CDN), and
its errors, which a person reads as a page rather than a problem document."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from features.snapshot.diff import designated
from service.problems import Problem, http_problem

log = logging.getLogger(__name__)
bp = Blueprint("ui", __name__, url_prefix="/ui", template_folder="templates", static_folder="static")
bp.add_app_template_filter(designated, "designated")  # the date a list entry states, as alerts give it


@bp.errorhandler(Problem)
def problem_page(problem: Problem):
    return render_template("ui/error.html", status=problem.status, title=problem.title, detail=problem.detail,
                           errors=problem.errors or []), problem.status, problem.headers


@bp.errorhandler(HTTPException)
def http_error_page(error: HTTPException):
    return problem_page(http_problem(error))


@bp.errorhandler(Exception)
def unexpected_page(error: Exception):
    """As the API's own handlers: logged, never shown; a store failure is an outage to retry."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    if isinstance(error, SQLAlchemyError):
        return problem_page(Problem(503, "Service Unavailable", "The decision store cannot be reached; nothing was "
                                    "recorded. Try again shortly.", headers={"Retry-After": "5"}))
    return problem_page(Problem(500, "Internal Server Error", "The error was logged; nothing more is shown here."))
