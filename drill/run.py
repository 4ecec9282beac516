"""One database's drills, in a process of their own: ``python -m drill.run --database sqlite``.

The process is configured for the stack it starts (its database, Redis and simulator) before
Django is set up, so that it can start operations and read their rows as the panel does.
Prints one JSON line per drill.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

from drill.stack import DrillStack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drill.run")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--only", default="", help="comma-separated: redis,postgres,bigv")
    args = parser.parse_args(argv)
    # Stopped from outside (a test run that gives up on it): unwind, so the stack stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = [n for n in args.only.split(",") if n] or ["redis", "postgres", "bigv"]
    if args.database != "postgresql":
        names = [name for name in names if name != "postgres"]
    with DrillStack(database=args.database) as stack:
        # This process is configured as the stack is, and by nothing else: a setting left in
        # the environment it was started from (a test run's keys, say) would not match the
        # stack's secrets.
        for name in [n for n in os.environ if n.startswith(("PANEL_", "DJANGO_"))]:
            del os.environ[name]
        os.environ.update(stack.env)
        import django

        django.setup()
        from drill.checks import Verdict
        from drill.drills import DRILLS
        from drill.scenario import OPERATIONS, run

        failed = False
        for name in names:
            try:
                verdict = run(DRILLS[name], stack)
            except Exception as error:  # a row that says so, and the next drill still runs
                verdict = Verdict(drill=DRILLS[name].label, operations=OPERATIONS)
                verdict.problems.append(f"the drill could not run: {error!r}")
            failed |= not verdict.ok
            print(json.dumps({"database": args.database, **verdict.as_json()}), flush=True)
        if failed:
            print(f"logs: {stack.root}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
