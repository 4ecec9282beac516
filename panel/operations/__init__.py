"""Slow, multi-step VM changes run on Celery workers, crash-safe and reversible (design.md §6).

The contract with the UI is docs/operations-contract.md: models in ``models.py``, services in
``services.py``, live status via ``events.publish``.
"""
