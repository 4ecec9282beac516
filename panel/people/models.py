"""Throttling state: one row per (what, account, address) that failed recently.

In the database, not a cache: every web process (and every machine) sees the same counts,
and a restart of Redis or of the web server does not unlock anyone.
"""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    class Scope(models.TextChoices):
        LOGIN = "login", "log in"
        PASSWORD_CHANGE = "password_change", "password change"

    # What was being tried: logging in, or (logged in) changing one's password.
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.LOGIN)
    # The account, as panel.people.throttle.account_key() folds it (NFKC, case-folded); for a
    # log-in it is whatever was typed and may not exist.
    username = models.CharField(max_length=150)
    # The client address; "" when the server did not say; "*" for the account's count from
    # every address together.
    ip = models.CharField(max_length=45)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "username", "ip"], name="one_login_failure_row_per_key"
            )
        ]

    def __str__(self) -> str:
        where = {"": "?", "*": "every address"}.get(self.ip, self.ip)
        return f"{self.scope}: {self.username} from {where}: {self.failures} failure(s)"
