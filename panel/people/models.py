"""Login throttling state: one row per (username, address) pair that failed recently.

In the database, not a cache: every web process (and every machine) sees the same counts,
and a restart of Redis or of the web server does not unlock anyone.
"""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    username = models.CharField(max_length=150)  # as typed, lower-cased (it may not exist)
    ip = models.CharField(max_length=45)  # "" when the server did not say
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["username", "ip"], name="one_login_failure_row_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip or '?'}: {self.failures} failure(s)"
