"""Resilience drills: the panel's dependencies fail while operations run, and come back.

``make drill`` (``python -m drill``) starts the stack as ``make run`` does — ``runstack`` and
its supervisor — against a Redis, and on the PostgreSQL run a PostgreSQL, of the drill's own
(so that they can be killed), with eight operations under way on VMs that are on and off. Each
drill breaks one dependency: Redis killed (SIGKILL) and started again empty; PostgreSQL
restarted; BigV unreachable for a minute (503 with Retry-After, then connections reset). Then
it checks what a person would: every operation ended succeeded or rolled back, every VM in its
original power state with its spec all-new or all-old, the audit trail complete, no write sent
twice to BigV without a read between, and the stack still up. It prints a table.
"""
