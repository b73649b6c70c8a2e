"""gunicorn's configuration for `diversion-risk serve`: one worker per core, the app preloaded
so the master loads the snapshot and the model once and the workers share them."""

from service.settings import Settings

_settings = Settings.from_env()
workers = _settings.workers
preload_app = True
worker_class = "sync"
timeout = 60
graceful_timeout = 30
accesslog = "-"
control_socket_disable = True  # gunicorn 27's control socket would write outside the home
