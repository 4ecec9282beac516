"""The workflow engine: slow, multi-step changes run on Celery workers, crash-safe and
reversible (docs/architecture.md, Operations).

It knows nothing of VMs: each kind of operation is a ``workflows.Workflow`` registered by the
app that owns it. The contract with the pages is docs/operations-contract.md.
"""
