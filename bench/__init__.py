"""``make bench``: the panel's speed, measured on one machine against the BigV simulator.

``python -m bench [--quick] [--only pages,live,bulk,load,memory] [--out DIR]`` starts a
private stack (simulator, Redis, SQLite, uvicorn, Celery workers) in a temporary folder,
runs the series, prints a table and saves ``results.json`` and ``results.png``.
Benchmarks never run in ``make test``; ``tests/bench`` only checks that a quick run works.
"""
