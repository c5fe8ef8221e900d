"""``python -m edu.db upgrade|heads <migrations folder>``: what a deployed service runs first.

Each Python service image carries its own migrations under ``/app/migrations/<database>``
(``edu deploy build``); its pods run ``python -m edu.db upgrade /app/migrations/<database>``
as an init container before the service starts (deploy/k8s, ADR 0021), with the database URL
from ``EDU_DATABASE_URL``. Concurrent upgrades of one database wait for each other (an advisory
lock in :func:`edu.db.migrations.run_migrations`). ``heads`` needs no database: the image smoke
test uses it to show the migrations are in the image and load.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from edu.db.migrations import heads, upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.db", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("upgrade", "heads"))
    parser.add_argument("folder", type=Path, help="the Alembic scripts (migrations/<database>)")
    args = parser.parse_args(argv)
    if not (args.folder / "env.py").is_file():
        sys.stderr.write(f"{args.folder}: no Alembic scripts here (env.py is missing)\n")
        return 2
    if args.command == "heads":
        sys.stdout.write(" ".join(heads(args.folder)) + "\n")
        return 0
    url = os.environ.get("EDU_DATABASE_URL", "")
    if not url:
        sys.stderr.write("EDU_DATABASE_URL is not set: which database should be upgraded?\n")
        return 2
    upgrade(args.folder, url)
    sys.stdout.write(f"{args.folder}: at {' '.join(heads(args.folder))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
