"""The web process's entry point for gunicorn (`gunicorn triage.wsgi:app`).

Once the app is built, everything it loaded at start-up (templates, the policy,
SQLAlchemy's metadata, the libraries: some 200,000 objects) is moved out of the
garbage collector's reach with `gc.freeze()`: those objects live as long as the
process, and without this every full collection walks them all, which added
about 200 ms to one queue request in twenty (benchmarks/queue_pages.py). Only
here, not in create_app: tests build many apps in one process, and frozen
objects are never freed.
"""

from __future__ import annotations

import gc

from triage import create_app

app = create_app()
gc.collect()
gc.freeze()
