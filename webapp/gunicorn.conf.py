"""Gunicorn settings: gunicorn -c webapp/gunicorn.conf.py "webapp:create_app()".

Environment: PORT (default 8000), WEB_CONCURRENCY (worker count, overrides the default),
plus the app's own VNNEWS_INDEX, VNNEWS_MAP and VNNEWS_MAP_OLD.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

# Local only: a reverse proxy in front terminates TLS and faces the network.
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Search is CPU-bound (one request keeps one core busy), and every worker holds its own copy of
# the index's per-document arrays and vocabulary, so the usual 2 × cores + 1 is capped for memory.
_cores = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores + 1, 8))
worker_class = "sync"

# Each worker imports the app itself: a preloaded app would share one Whoosh state across forks.
preload_app = False

# An export pages through up to 10,000 hits; give it time, but not forever.
timeout = 120
graceful_timeout = 30
keepalive = 5

# Bound what a single request can send; the app refuses longer queries anyway.
limit_request_line = 8190
limit_request_fields = 100

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
proc_name = "vnnews-search"


def post_worker_init(worker: Any) -> None:
    """Build the index's per-worker caches before the first visitor pays for them."""
    # The first search of a worker reads the per-document arrays and the suggestion vocabulary
    # (about a second for a few thousand articles, more for a large archive). An unaccented query
    # exercises both. Without an index the app answers 503 here, which is fine: nothing to warm.
    started = time.perf_counter()
    response = worker.wsgi.test_client().get("/api/search?q=viet+nam&per_page=1")
    worker.log.info("warm-up: HTTP %s in %.1f s", response.status_code, time.perf_counter() - started)
