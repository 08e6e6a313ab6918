"""gunicorn settings used by ``make serve``."""

import multiprocessing
import os

bind = os.environ.get("SHELTER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SHELTER_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = 30
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("SHELTER_ACCESS_LOG", "-")
# The request line is logged without its query string: feed tokens travel there.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "shelter.serving.AccessLogger"
# Logs and every other file the server creates are readable by its user only.
umask = 0o077
