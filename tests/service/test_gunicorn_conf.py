"""The serving configuration's hooks: a worker's full garbage collections run after a response
has been sent, never inside a request (see `features.bulk.defer_full_collections`)."""

import gc
import importlib

from service import multiproc


def test_workers_collect_fully_between_requests_only(monkeypatch, tmp_path):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(tmp_path))
    monkeypatch.setenv(multiproc.ENV, str(tmp_path / "metrics"))
    conf = importlib.import_module("service.gunicorn_conf")
    saved = gc.get_threshold()
    try:
        conf.post_fork(server=None, worker=None)
        assert gc.get_threshold()[:2] == saved[:2] and gc.get_threshold()[2] > 10**6
        garbage = []
        while gc.get_count()[2] < 10:  # generation-1 collections enough for a full one to be due
            node = {}
            node["self"] = node
            garbage.append(node)
        assert gc.get_count()[2] >= 10
        conf.post_request(worker=None, req=None, environ={}, resp=None)
        assert gc.get_count()[2] == 0
    finally:
        gc.set_threshold(*saved)
