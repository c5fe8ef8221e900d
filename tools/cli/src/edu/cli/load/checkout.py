"""`edu load checkout`: concurrent paid checkouts with duplicate submissions (issue 22).

The platform on free ports as the load layer starts it (`start_isolated_stack`, no hot reload,
the Rust binaries built first), only what a checkout touches: identity, course, enrollment, the
payment-engine and its provider sandbox, the api-gateway in front. load/checkouts.py makes the
students and fires every `POST /payments` at once through the gateway, a tenth of them a second
copy of another request's exact key and body; then this module counts in the databases what
the platform kept and judges it:

- distinct payments == unique keys, every duplicate answered with its original's payment id;
- every payment succeeded, with exactly one charge movement (no double charge), the ledger
  balanced (the admin's `GET /ledger/balances` and every currency's entries summing to zero);
- one enrolment per student (enrollment enrols on `payment.succeeded`), no 5xx.

Throughput and p50/p95/p99 of `POST /payments` are reported, not judged.
Results in .edu/results/load/checkout/: summary.json, report.md, requests.jsonl, ledger.json,
the services' logs.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edu.cli.dev import start_isolated_stack
from edu.common.percentiles import histogram_of, nearest_rank
from edu.infra.databases import with_database

ENGINE = "payment-engine"
SANDBOX = "payment-provider-sandbox"
GATEWAY = "api-gateway"
APIS = ("identity", "course", "enrollment", ENGINE)
CHECKOUT_SERVICES = frozenset({*APIS, SANDBOX, GATEWAY})
SETTLE_PATIENCE_S = 90.0


@dataclass(frozen=True)
class Counts:
    """What the databases hold for the run's course."""

    payments: int
    succeeded: int
    charge_movements: int
    payments_charged_more_than_once: int
    entry_sums: dict[str, int]
    enrolments: int


async def count(postgres: str, course_id: str, patience_s: float, expected: int) -> Counts:
    """The engine's and enrollment's rows for the course, once ``expected`` enrolments exist
    (or ``patience_s`` passed)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(with_database(postgres, "payments"))
    enrollment = create_async_engine(with_database(postgres, "enrollment"))
    started = time.monotonic()
    try:
        while True:
            async with enrollment.connect() as conn:
                enrolled = await conn.scalar(
                    text("SELECT count(*) FROM enrollments WHERE course_id = CAST(:c AS uuid)"),
                    {"c": course_id},
                )
            if int(enrolled or 0) >= expected or time.monotonic() - started > patience_s:
                break
            await asyncio.sleep(0.5)
        async with engine.connect() as conn:
            course = {"c": course_id}
            payments = await conn.scalar(
                text("SELECT count(*) FROM payments WHERE course_id = CAST(:c AS uuid)"), course
            )
            succeeded = await conn.scalar(
                text(
                    "SELECT count(*) FROM payments WHERE course_id = CAST(:c AS uuid) "
                    "AND status = 'succeeded'"
                ),
                course,
            )
            per_payment = (
                await conn.execute(
                    text(
                        "SELECT count(*) AS n FROM ledger_movements m JOIN payments p "
                        "ON p.id = m.payment_id WHERE p.course_id = CAST(:c AS uuid) "
                        "AND m.kind = 'charge' GROUP BY m.payment_id"
                    ),
                    course,
                )
            ).all()
            sums = (
                await conn.execute(
                    text(
                        "SELECT currency, sum(amount_minor)::bigint FROM ledger_entries "
                        "GROUP BY currency"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
        await enrollment.dispose()
    return Counts(
        payments=int(payments or 0),
        succeeded=int(succeeded or 0),
        charge_movements=sum(int(row[0]) for row in per_payment),
        payments_charged_more_than_once=sum(1 for row in per_payment if int(row[0]) > 1),
        entry_sums={str(row[0]): int(row[1]) for row in sums},
        enrolments=int(enrolled or 0),
    )


def judge(
    records: Sequence[Mapping[str, Any]], counts: Counts, ledger: Mapping[str, Any]
) -> dict[str, Any]:
    """The verdict and the figures of one run (pure: the tests feed it records)."""
    originals = {r["key"]: r for r in records if not r["duplicate"]}
    duplicates = [r for r in records if r["duplicate"]]
    unique = len(originals)
    same_answer = sum(
        1
        for d in duplicates
        if d.get("payment_id") and d["payment_id"] == originals[d["key"]].get("payment_id")
    )
    answered_ids = {r["payment_id"] for r in records if r.get("payment_id")}
    server_errors = sum(1 for r in records if r["status"] is None or int(r["status"]) >= 500)
    statuses: dict[str, int] = {}
    for r in records:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    body = ledger.get("balances")
    api_balanced = ledger.get("balances_status") == 200 and bool(
        isinstance(body, Mapping) and body.get("balanced")
    )
    entries_balanced = all(total == 0 for total in counts.entry_sums.values())
    # a charge beyond one per checkout (per idempotency key): a payment charged twice, or a
    # duplicate submission that made a second payment and was charged for it
    double_charges = max(0, counts.charge_movements - unique)
    checks = {
        "distinct payments == unique keys": counts.payments == unique == len(answered_ids),
        "every duplicate got its original's payment id": same_answer == len(duplicates),
        "every payment succeeded": counts.succeeded == unique,
        "one charge movement per payment (0 double charges)": (
            counts.charge_movements == unique and counts.payments_charged_more_than_once == 0
        ),
        "ledger balanced (GET /ledger/balances and the entries)": api_balanced and entries_balanced,
        "enrolments == unique keys": counts.enrolments == unique,
        "no 5xx and no unanswered request": server_errors == 0,
    }
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "requests": len(records),
        "unique_keys": unique,
        "duplicates_sent": len(duplicates),
        "duplicates_answered_same_payment": same_answer,
        "statuses": statuses,
        "distinct_payments": counts.payments,
        "distinct_payment_ids_answered": len(answered_ids),
        "succeeded": counts.succeeded,
        "charge_movements": counts.charge_movements,
        "double_charges": double_charges,
        "ledger_balanced": api_balanced and entries_balanced,
        "entry_sums": counts.entry_sums,
        "enrolments": counts.enrolments,
        "server_errors": server_errors,
    }


def latency(records: Sequence[Mapping[str, Any]], burst_s: float) -> dict[str, Any]:
    """Throughput over the burst and nearest-rank p50/p95/p99 of every POST /payments (ms)."""
    histogram = histogram_of(round(float(r["ms"]), 1) for r in records)
    return {
        "throughput_rps": round(len(records) / burst_s, 1) if burst_s > 0 else None,
        **{f"p{int(q * 100)}_ms": nearest_rank(histogram, q) for q in (0.5, 0.95, 0.99)},
        "max_ms": round(max(float(r["ms"]) for r in records), 1) if records else None,
    }


def report_markdown(summary: Mapping[str, Any]) -> str:
    lines = [
        "# Concurrent checkouts with duplicate submissions (issue 22)",
        "",
        f"Result: **{'passed' if summary['ok'] else 'FAILED'}** in {summary['wall_s']} s "
        f"({summary['requests']} POST /payments in one burst, "
        f"{summary['duplicates_sent']} of them duplicates).",
        "",
        "| check | result |",
        "|---|---|",
        *(f"| {name} | {'ok' if ok else 'FAILED'} |" for name, ok in summary["checks"].items()),
        "",
        "| figure | value |",
        "|---|---|",
    ]
    for name in (
        "unique_keys",
        "distinct_payments",
        "duplicates_answered_same_payment",
        "succeeded",
        "charge_movements",
        "double_charges",
        "ledger_balanced",
        "enrolments",
        "server_errors",
        "statuses",
        "throughput_rps",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "max_ms",
        "signups_s",
        "settled_s",
    ):
        lines.append(f"| {name} | {summary.get(name)} |")
    return "\n".join(lines) + "\n"


def run_checkouts(
    root: Path,
    folder: Path,
    out: Path,
    *,
    students: int,
    duplicates: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """The whole run: stack, load/checkouts.py, counts, verdict; summary.json and report.md."""
    started = time.monotonic()
    script = root / "load" / "checkouts.py"
    # identity signs with this key (fixed for the run), so the admin's token can be signed too
    key = subprocess.run(
        [sys.executable, str(script), "signing-key"],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stdout.strip()
    with start_isolated_stack(
        folder,
        only=CHECKOUT_SERVICES,
        reload=False,
        say=say,
        own_env={"identity": {"EDU_SIGNING_KEY": key}},
    ) as stack:
        say(f"stack up in {time.monotonic() - started:.1f} s")
        front = stack.service_urls[GATEWAY]
        env = {
            **{f"EDU_{name.upper().replace('-', '_')}_SERVICE_URL": front for name in APIS},
            "EDU_SIGNING_KEY": key,
        }
        done = subprocess.run(
            [
                sys.executable,
                str(script),
                "--out",
                str(out),
                "--students",
                str(students),
                "--duplicates",
                str(duplicates),
            ],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"load/checkouts.py failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
            )
        ledger = json.loads((out / "ledger.json").read_text())
        records = [json.loads(line) for line in (out / "requests.jsonl").read_text().splitlines()]
        counts = asyncio.run(
            count(
                stack.infrastructure["postgres"], ledger["course_id"], SETTLE_PATIENCE_S, students
            )
        )
    if (folder / "logs").is_dir():
        shutil.copytree(folder / "logs", out / "logs", dirs_exist_ok=True)
    summary = {
        **judge(records, counts, ledger),
        **latency(records, float(ledger["burst_s"])),
        "signups_s": ledger["signups_s"],
        "settled_s": ledger["settled_s"],
        "wall_s": round(time.monotonic() - started, 1),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "report.md").write_text(report_markdown(summary))
    return summary
