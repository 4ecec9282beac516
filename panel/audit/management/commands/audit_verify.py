"""``manage.py audit_verify``: check the audit chain and that its checkpoints reach its head.

Exit status (also in ``--help``): 0 all good, 1 the chain is broken, 3 a checkpoint is
missing, 4 the checkpoints are behind the chain (2 is argparse's usage error).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter

from panel.audit.intents import grace_seconds, pending_summary, stamp
from panel.audit.verify import CheckpointState, VerifyResult, verify_chain

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_CHECKPOINT_MISSING = 3
EXIT_CHECKPOINT_BEHIND = 4

EPILOG = f"""\
exit status:
  {EXIT_OK}  the chain verifies and the newest checkpoint reaches its head
     (or --no-checkpoint was given)
  {EXIT_BROKEN}  the chain is broken: an entry was altered, forged, deleted, inserted
     or moved, or entries a checkpoint names are gone (the first broken
     entry is printed)
  2  the command line is wrong
  {EXIT_CHECKPOINT_MISSING}  checkpoint missing: a checkpoint file does not exist (or holds no
     line) although the chain has entries, so deleting the newest entries
     would go unseen
  {EXIT_CHECKPOINT_BEHIND}  checkpoint behind: the newest checkpoint names an entry before the
     chain's head, so deleting the entries after it would go unseen

Every process that appends writes the checkpoint of its own machine
(PANEL_AUDIT_CHECKPOINT). With web or worker processes on several
machines, give each machine's file with --checkpoint: each must match
the chain, and the newest must reach the head.

Actions whose result is not recorded yet ("outcome unknown", not in the
chain) are reported; they do not change the exit status.
"""


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option order, with the epilog's lines kept as written."""


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC chain and that its head checkpoint(s) reach its head."
    # Verification must work even while another app's system checks fail.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("epilog", EPILOG)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing when OK.")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--checkpoint",
            action="append",
            dest="checkpoints",
            metavar="PATH",
            help="A checkpoint file to check; repeat it for each machine's file "
            "(default: PANEL_AUDIT_CHECKPOINT).",
        )
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="Verify the chain alone, knowing that deletion of its newest entries then "
            "goes unseen (exit 0 without a checkpoint).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_checkpoint"] and options["checkpoints"]:
            self.stderr.write("Give either --checkpoint or --no-checkpoint, not both.")
            sys.exit(2)
        checkpoints: list[str] | None = [] if options["no_checkpoint"] else options["checkpoints"]
        using, quiet = options["database"], options["quiet"]
        result = verify_chain(using=using, checkpoints=checkpoints)
        for warning in result.notes:
            self.stderr.write(f"WARNING: {warning}")
        if not result.ok:
            self.stderr.write(result.summary())
            sys.exit(EXIT_BROKEN)
        status = EXIT_OK
        if result.checkpoint == CheckpointState.MISSING:
            self._checkpoint_failure(result, "CHECKPOINT MISSING", _MISSING_HINT)
            status = EXIT_CHECKPOINT_MISSING
        elif result.checkpoint == CheckpointState.BEHIND:
            self._checkpoint_failure(result, "CHECKPOINT BEHIND", _BEHIND_HINT)
            status = EXIT_CHECKPOINT_BEHIND
        else:
            if result.checkpoint == CheckpointState.SKIPPED and result.count:
                self.stderr.write(
                    "WARNING: checkpoint not checked (--no-checkpoint): deletion of the "
                    "newest entries cannot be detected"
                )
            if not quiet:
                self.stdout.write(result.summary())
        self._report_pending(using, quiet=quiet)
        if status != EXIT_OK:
            sys.exit(status)

    def _checkpoint_failure(self, result: VerifyResult, title: str, hint: str) -> None:
        self.stderr.write(f"{title}: {result.checkpoint_detail}.")
        self.stderr.write(
            f"The chain itself verifies ({result.count} entries, head seq {result.head_seq}). "
            + hint
        )

    def _report_pending(self, using: str, *, quiet: bool) -> None:
        pending = pending_summary(using=using)
        if not pending.count:
            return
        oldest = stamp(pending.oldest) if pending.oldest else "?"
        if pending.overdue:
            self.stderr.write(
                f"WARNING: {pending.overdue} action(s) older than {grace_seconds():g} s have no "
                f"recorded result and are not sealed into the chain yet (outcome unknown; "
                f"oldest started {oldest}). Is celery beat running? `manage.py audit_seal` "
                "seals them now."
            )
        elif not quiet:
            self.stdout.write(
                f"{pending.count} action(s) in progress, not in the chain until their result "
                f"is recorded (oldest started {oldest})."
            )


_MISSING_HINT = (
    "Restore the checkpoint file (it is in the backups of each machine's data volume), give "
    "each machine's file with --checkpoint, or run with --no-checkpoint to verify the chain "
    "alone."
)
_BEHIND_HINT = (
    "Newer entries were appended by a process whose checkpoint was not given (a worker on "
    "another machine? give each machine's file with --checkpoint), a checkpoint write failed "
    '(look for "could not write the audit checkpoint" in the logs), or a process stopped '
    "between an append and its checkpoint (the next append catches up)."
)
