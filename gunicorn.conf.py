"""gunicorn's configuration for this project: `gunicorn -c gunicorn.conf.py project.wsgi`.

Every value can be set from the environment; the defaults suit a small server behind a buffering
reverse proxy (see the README's Deploy section).
"""

import os

from project import gunicorn_errors

# gunicorn's own refusals (request line too long…) answer in the API's JSON error shape.
gunicorn_errors.install()

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Threads answer the API's I/O-bound requests (waiting on the database); processes use the cores.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(max(os.cpu_count() or 1, 2))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request still unanswered after this many seconds has its worker restarted; lists answer in milliseconds,
# the export of a large archive streams for minutes (its worker keeps writing, so it is not timed out).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced after this many requests (give or take the jitter), so no slow leak grows for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The longest request line and header gunicorn reads (its maximum): long filter lists fit.
limit_request_line = 8190
limit_request_field_size = 8190
# The project logs each request itself, as JSON with its id (project.middleware); gunicorn logs its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Addresses of the proxies whose X-Forwarded-* headers are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
