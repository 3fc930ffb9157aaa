"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (README, "Deploying").

The app is loaded once, before the workers are forked (they share its memory pages), from the data in
DASHBOARD_DATA_DIR (default data/geo); each worker then reloads it when the files change (dashboard/live_data.py).
Exports render in one process for the whole server, started here (dashboard/renders.py): the workers ask it over a
Unix socket and serve what it made from the shared cache in DASHBOARD_STATE_DIR/renders. Debug stays off: no
debugger, no tracebacks in responses (dashboard/security.py). Override any setting on the command line or in
GUNICORN_CMD_ARGS, e.g. `--bind 0.0.0.0:8050 --workers 8`.
"""

import gc
import os
import subprocess
import sys
import tempfile

wsgi_app = "dashboard.live_data:server"
bind = [os.environ.get("DASHBOARD_BIND", "127.0.0.1:8050")]
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))  # 4 on 2 cores: a worker waiting on the network is not idle CPU
worker_class = "gthread"  # threads keep slow clients and keep-alive connections from holding a whole worker
threads = 4
preload_app = True
timeout = 30
graceful_timeout = 20
keepalive = 5
limit_request_line = 8190  # the longest address a shared link may have
forwarded_allow_ips = "127.0.0.1"  # trust X-Forwarded-* from a proxy on this machine only
# The app's own log (data reloads, refused data files with their problems, refused requests) beside gunicorn's.
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}


# One renderer (one Chromium) for every worker, on this socket. gunicorn puts raw_env in the environment before it
# loads the app, so the app (and every worker forked from it) asks the renderer.
raw_env = [f"DASHBOARD_RENDERER={os.path.join(tempfile.gettempdir(), f'dashboard-renderer-{os.getpid()}.sock')}"]
_renderer: list[subprocess.Popen] = []


def on_starting(server):
    socket_path = server.cfg.env["DASHBOARD_RENDERER"]
    _renderer.append(subprocess.Popen([sys.executable, "-m", "dashboard.renders", "--socket", socket_path]))
    server.log.info("renderer started (pid %s) on %s", _renderer[0].pid, socket_path)


def on_exit(server):
    for process in _renderer:
        process.terminate()
        process.wait(timeout=20)


# Copy-on-write: the workers share the preloaded app's pages until something writes to them, and Python's collector
# writes to every object it visits. So the master collects nothing while it loads (no freed holes in its pages),
# hides what it made from the collector before each fork, and each worker collects again what it makes itself.
gc.disable()


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    gc.enable()
