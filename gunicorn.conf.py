"""gunicorn settings for deployments (`gunicorn -c gunicorn.conf.py 'calfeed:create_app()'`).

Threads, not one sync worker: a slow request must not hold the only worker, so `/healthz` and
polls keep answering. A poll never reads Google (issue 9: the Procfile's `worker:` does), so no
request comes near `timeout`. Every value can be overridden on the command line or with the
environment variables below (`WEB_CONCURRENCY` is the platforms' usual name for the process count).
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("CALFEED_THREADS", "8"))
#: a request may run this long before its worker is killed and restarted
timeout = 30
#: on restart or deploy, requests in flight get this long to finish
graceful_timeout = 20
keepalive = 5
#: requests per worker before a fresh one takes over (bounds slow leaks), jittered
max_requests = 5000
max_requests_jitter = 500
#: gunicorn's own error and access lines never hold a feed secret or a query string
logger_class = "calfeed.web.gunicornlog.MaskingGunicornLogger"
accesslog = os.environ.get("CALFEED_ACCESS_LOG") or None  # calfeed logs one line per request
errorlog = "-"
#: gunicorn 24+'s control socket sits at one fixed path per user; several servers (or tests) on
#: one machine would fight over it, and calfeed needs none of its commands
control_socket_disable = True
