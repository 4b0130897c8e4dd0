"""Gunicorn settings for the forum (``gunicorn -c gunicorn.conf.py wsgi:app``; gunicorn also reads this
file by itself when started from this folder). Command-line options override these.

The logs hold no client address and no secret link (``forum_app/gunicorn_logging.py``)."""

logger_class = "forum_app.gunicorn_logging.PrivateLogger"
accesslog = "-"
# Method, path (share and account tokens masked), status, bytes and milliseconds: no address or agent.
access_log_format = "%(m)s %(U)s %(s)s %(b)s %(M)sms"
errorlog = "-"
# "info": start-up, workers and refused requests (reworded without the client's address); never
# "debug", which also logs each request's path.
loglevel = "info"
# A worker may take this long over one request before it is restarted: the largest exports of a
# survey's responses (about 30 s for 50,000 as XLSX) must finish. Imports and packs run in the background.
timeout = 120
