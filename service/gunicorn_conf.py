"""gunicorn's configuration for `diversion-risk serve`: one worker per core, the app preloaded
so the master loads the snapshot and the model once and the workers share them.

Started by `serve`, PROMETHEUS_MULTIPROC_DIR is already prepared; started as
`gunicorn -c python:service.gunicorn_conf`, this prepares it (under the home) before the app,
and so prometheus_client, is imported. The request log is the app's own JSON line per request,
so gunicorn's access log is off
and its own messages are JSON too; its own error pages are problem+json (service/gunicorn_errors.py).

Deployed, gunicorn sits behind the buffering proxy of deploy/nginx.conf.template: a sync worker
serves one connection at a time, and only a proxy that reads each request whole keeps a client
that trickles its bytes from holding one.
"""

import os

from features import bulk
from service import gunicorn_errors, logs, multiproc
from service.settings import Settings

_settings = Settings.from_env()
if not os.environ.get(multiproc.ENV):
    multiproc.prepare(_settings.metrics_dir)
workers = _settings.workers
preload_app = True
threads = _settings.threads
worker_class = "sync" if threads == 1 else "gthread"
timeout = 60
graceful_timeout = 30
accesslog = None  # one JSON line per request comes from the app itself
control_socket_disable = True  # gunicorn 27's control socket would write outside the home
logconfig_dict = logs.GUNICORN_LOGCONFIG
gunicorn_errors.install()


def post_fork(server, worker):
    bulk.defer_full_collections()  # full collections between requests, never inside one


def post_request(worker, req, environ, resp):
    bulk.collect_when_due()  # the response has been sent


def child_exit(server, worker):
    multiproc.mark_dead(worker.pid)
