"""Serving the WSGI app with gunicorn, a production-grade pre-forking server.

The app is built once in the master process (signing key made or loaded,
oauthlib's endpoints constructed, metadata rendered) and inherited by the
workers; the store's connection is closed before the fork so that each worker
opens its own (an SQLite connection must not cross a fork).

Access logging is off unless asked for, and then logs the path without the
query string, so no parameter (a secret sent where it should not be) reaches a log.
"""

from gunicorn.app.base import BaseApplication

from .clock import Clock
from .config import Settings
from .purge import start_periodic
from .store import Store

# %(U)s is the path without its query string.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class GunicornServer(BaseApplication):
    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def run(app, store: Store, settings: Settings, clock: Clock, access_log: bool) -> None:
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        # gthread keeps connections alive between requests (sync workers close each one).
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": True,
        "accesslog": "-" if access_log else None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "reference-as",
        "control_socket_disable": True,
        # Each worker purges expired rows now and then (see purge.py).
        "post_worker_init": lambda worker: start_periodic(store, settings, clock),
    }
    store.close()
    GunicornServer(app, options).run()
