"""``make drill``: every drill on SQLite, and on PostgreSQL where its server binaries are
installed; prints the table (and ``--json`` writes the rows)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from drill.report import table
from drill.services import pg_binaries

BASE_DIR = Path(__file__).resolve().parent.parent


def _rows(database: str, only: str) -> tuple[list[dict[str, object]], int]:
    done = subprocess.run(  # noqa: S603 (our own argv)
        [sys.executable, "-m", "drill.run", "--database", database, "--only", only],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
    return rows, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drill")
    parser.add_argument("--database", default="", help="sqlite, postgresql or both (default)")
    parser.add_argument("--only", default="", help="comma-separated: redis,postgres,bigv")
    parser.add_argument("--json", type=Path, help="write the rows here too")
    args = parser.parse_args(argv)
    databases = [d for d in args.database.split(",") if d] or ["sqlite", "postgresql"]
    if "postgresql" in databases and pg_binaries() is None:
        print("PostgreSQL's server binaries are not installed: its drills are skipped.")
        databases.remove("postgresql")
    rows: list[dict[str, object]] = []
    status = 0
    for database in databases:
        found, code = _rows(database, args.only)
        rows += found
        status = status or code
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
