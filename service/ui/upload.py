"""A spreadsheet of shipments scored from the browser: the same code, checks and decision record as
`POST /v1/score/file`; the results shown, and offered as CSV and XLSX."""

from __future__ import annotations

import base64

from flask import current_app, g, render_template, request

from service.problems import Problem
from service.routes.common import services, serving_state
from service.scoring import score_sheet
from service.ui.blueprint import bp
from service.ui.session import needs

MEDIA = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.get("/upload")
@needs("score")
def upload_form():
    return render_template("ui/upload.html", sheet=None, downloads={})


@bp.post("/upload")
@needs("score")
def upload():
    state = serving_state()
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise Problem(400, "Invalid upload", "Choose a CSV or XLSX file of shipments (the template of examples/).")
    sheet = score_sheet(sent.read(), sent.filename, state, services(), g.caller, current_app.config)
    sheet.scored.record(services(), g.caller)
    # The files ride in the page as data: links, so a download is the page's own result, not a
    # second request that could score again or find the results gone.
    downloads = {fmt: f"data:{MEDIA[fmt]};base64,{base64.b64encode(sheet.file(fmt)[0]).decode()}" for fmt in MEDIA}
    return render_template("ui/upload.html", sheet=sheet, downloads=downloads, filename=sent.filename)
