"""``python -m edu.seed S|M|L --server-url URL``: seed the dev databases on that server.

`edu seed` (tools/cli) finds the dev server, makes sure every service's database exists and is
migrated, then runs this; run it directly to seed another server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

from edu.seed.manifest import login_info, write_manifest
from edu.seed.plan import plan_for
from edu.seed.run import DEFAULT_CONCURRENCY, seed
from edu.seed.sizes import SIZES, size_named
from edu.seed.wiring import DatabaseUrls, seed_targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.seed", description=__doc__)
    parser.add_argument("size", nargs="?", default="S", type=str.upper, choices=list(SIZES))
    parser.add_argument(
        "--server-url",
        default=os.environ.get("EDU_DATABASE_URL"),
        help="PostgreSQL server (postgresql+asyncpg://...); default: $EDU_DATABASE_URL",
    )
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--manifest", type=Path, help="Write who can log in to this JSON file.")
    parser.add_argument(
        "--timings", type=Path, help="Write how long planning and seeding took (JSON, seconds)."
    )
    args = parser.parse_args(argv)
    if not args.server_url:
        parser.error("give --server-url or set EDU_DATABASE_URL")
    logging.basicConfig(level=logging.WARNING)
    planning = time.perf_counter()
    plan = plan_for(size_named(args.size))
    started = time.perf_counter()

    async def go() -> str:
        async with seed_targets(DatabaseUrls.on_server(args.server_url)) as targets:
            report = await seed(targets, plan, args.concurrency)
        return report.render()

    print(asyncio.run(go()))
    seeding = time.perf_counter() - started
    print(f"seeded size {plan.size.name} in {seeding:.1f} s")
    print(login_info(plan))
    if args.manifest:
        write_manifest(plan, args.manifest)
    if args.timings:
        parts = {"planning_seconds": started - planning, "seeding_seconds": seeding}
        args.timings.write_text(json.dumps(parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
