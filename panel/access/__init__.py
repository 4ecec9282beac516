"""Who may see and do what: the panel role of a person and their own BigV rights.

Two axes decide (docs/architecture.md, People, credentials and audit):

- the **panel role** — operator (the default), auditor (reads the whole audit trail and
  every operation, changes nothing) or superuser — as Django groups and permissions
  (``roles``);
- the person's **BigV privileges** — their level on each account, group and VM, read from
  BigV with their own credential and kept per person (``scope``).

``policy`` turns both into answers ("may alice stop web1?"), ``visibility`` scopes the
panel's own rows (operations, batches, audit entries) to what a person may see.
"""
