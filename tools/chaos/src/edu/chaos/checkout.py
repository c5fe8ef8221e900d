"""Paid checkouts under chaos (issue 22, ADR 0022): the payment-engine killed between the
provider's confirmation and its own commit, every webhook delivered three times.

The chaos stack runs the engine with the failpoint ``webhook-before-commit`` (an applied
webhook's transaction waits before COMMIT, its movement written, its row locked) and the
provider sandbox with ``EDU_SANDBOX_DUPLICATES=3``. ``start_checkouts`` makes a priced course
and ``count`` students who each pay it through the gateway (``Idempotency-Key``, ``tok_visa``),
records them in the run's ``checkouts.json`` and returns once the engine logged every payment's
webhook held at the failpoint. ``require_checkouts_uncommitted`` (after ``kill_process``) proves
the kill landed before the commit: the sandbox had sent the confirmations, and the engine's
database holds every payment pending with no ledger movement. ``checkout_ledger`` (hypothesis)
counts what the platform kept once the sandbox redelivered: every payment succeeded once, one
charge movement each, the ledger balanced (the admin's ``GET /ledger/balances`` and the entries),
every student enrolled once, no answer a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any

import asyncpg
import httpx
from chaoslib.exceptions import InterruptExecution

from edu.auth.keys import SigningKey
from edu.auth.tokens import TokenIssuer
from edu.chaos.ledger import plain
from edu.chaos.load import PASSWORD
from edu.chaos.target import Target, mark, run_dir
from edu.testing import api_calls, journeys
from edu.testing.harness_client import AsyncHarnessClient

ENGINE = "payment-engine"
SANDBOX = "payment-provider-sandbox"
FAILPOINT_LINE = "failpoint webhook-before-commit"

CURRENCY = "EUR"
_PAYMENT_ID = re.compile(r"payment_id\W+([0-9a-f]{8}-[0-9a-f-]{27})")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the console log format's colours


def _checkouts_path() -> Any:
    return run_dir() / "checkouts.json"


async def _buy(count: int, amount_minor: int) -> dict[str, Any]:
    target = Target.load()
    async with httpx.AsyncClient(timeout=15.0) as http:
        client = AsyncHarnessClient(target.api_urls, http)
        tag = uuid.uuid4().hex[:8]
        teacher = await client.run(
            journeys.new_account(
                f"chaos-seller-{tag}@chaos.eduplatform.test", PASSWORD, teacher=True
            )
        )
        draft = {"title": f"Paid chaos course {tag}", "summary": "Paid.", "tags": ["chaos"]}
        parts = [{"title": "Only lesson", "estimated_minutes": 5, "body_markdown": "Read."}]
        course = await client.run(journeys.make_course(teacher.access_token, draft, parts))
        await client.send(
            api_calls.set_price(teacher.access_token, course.id, CURRENCY, amount_minor)
        )
        students = await asyncio.gather(
            *(
                client.run(
                    journeys.new_account(f"chaos-buyer-{tag}-{n}@chaos.eduplatform.test", PASSWORD)
                )
                for n in range(count)
            )
        )

        async def pay(token: str) -> dict[str, Any]:
            key = f"chaos-{uuid.uuid4()}"
            call = api_calls.pay(token, key, course.id, CURRENCY, amount_minor)
            answer = await client.send(call)
            return {**answer.json(), "token": token, "key": key, "http_status": answer.status_code}

        paid = await asyncio.gather(*(pay(s.access_token) for s in students))
    return {"course_id": course.id, "amount_minor": amount_minor, "payments": list(paid)}


def _held(log_text: str) -> set[str]:
    """The payment ids the engine logged as held at the failpoint."""
    held = set()
    for line in _ANSI.sub("", log_text).splitlines():
        found = _PAYMENT_ID.search(line) if FAILPOINT_LINE in line else None
        if found:
            held.add(found.group(1))
    return held


def start_checkouts(
    count: int = 5, amount_minor: int = 4900, hold_timeout_s: float = 15.0
) -> dict[str, Any]:
    """``count`` students pay a priced course through the gateway; returns once the engine logged
    each payment's confirming webhook held at the failpoint (its transaction not committed)."""
    target = Target.load()
    log = target.spec(ENGINE).log_path
    if log is None:
        raise InterruptExecution(f"{ENGINE} has no log to read")
    offset = log.stat().st_size if log.is_file() else 0
    bought = asyncio.run(_buy(count, amount_minor))
    _checkouts_path().write_text(json.dumps(bought, indent=2))
    ids = {str(p["id"]) for p in bought["payments"] if "id" in p}
    statuses = sorted({int(p["http_status"]) for p in bought["payments"]})
    if len(ids) != count or statuses != [201]:
        raise InterruptExecution(
            f"the checkouts were not made: {len(ids)} payments, statuses {statuses}"
        )
    deadline = time.monotonic() + hold_timeout_s
    held: set[str] = set()
    while time.monotonic() < deadline:
        with log.open("rb") as reading:
            reading.seek(offset)
            held = _held(reading.read().decode(errors="replace")) & ids
        if held == ids:
            break
        time.sleep(0.05)
    if held != ids:
        raise InterruptExecution(
            f"only {len(held)} of {count} payments' webhooks reached the failpoint within "
            f"{hold_timeout_s:g} s: is {ENGINE} running with EDU_PAYMENT_FAILPOINT?"
        )
    return mark("checkouts-held", payments=count, held_at_failpoint=len(held))


async def _engine_counts(database: str, ids: list[str]) -> dict[str, Any]:
    conn = await asyncpg.connect(plain(database), timeout=5)
    try:
        statuses = await conn.fetch(
            "SELECT status, count(*) AS n FROM payments WHERE id = ANY($1::uuid[]) GROUP BY status",
            ids,
        )
        movements = await conn.fetch(
            "SELECT payment_id::text AS id, kind, count(*) AS n FROM ledger_movements "
            "WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id, kind",
            ids,
        )
        sums = await conn.fetch(
            "SELECT currency, sum(amount_minor)::bigint AS total FROM ledger_entries GROUP BY currency"
        )
    finally:
        await conn.close()
    return {
        "statuses": {str(r["status"]): int(r["n"]) for r in statuses},
        "movements": [(str(r["id"]), str(r["kind"]), int(r["n"])) for r in movements],
        "entry_sums": {str(r["currency"]): int(r["total"]) for r in sums},
    }


def _sandbox_stats(target: Target) -> dict[str, Any]:
    answer = httpx.get(f"{target.service_urls[SANDBOX]}/v1/stats", timeout=5.0)
    answer.raise_for_status()
    return dict(answer.json())


def require_checkouts_uncommitted() -> dict[str, Any]:
    """After the kill: the provider had confirmed (the sandbox sent webhooks) and the engine kept
    nothing of them: every payment pending, no ledger movement for any."""
    target = Target.load()
    bought = json.loads(_checkouts_path().read_text())
    ids = [str(p["id"]) for p in bought["payments"]]
    counts = asyncio.run(_engine_counts(target.database_url(ENGINE), ids))
    stats = _sandbox_stats(target)
    sent = sum(int(n) for n in stats.get("answers", {}).values())
    if counts["statuses"] != {"pending": len(ids)} or counts["movements"] or sent < len(ids):
        raise InterruptExecution(
            f"the kill did not land between the confirmation and the commit: payments "
            f"{counts['statuses']}, movements {counts['movements'][:3]}, deliveries sent {sent}"
        )
    return mark("uncommitted-at-kill", pending=len(ids), movements=0, deliveries_sent=sent)


async def _enrolments(database: str, course_id: str) -> tuple[int, int]:
    conn = await asyncpg.connect(plain(database), timeout=5)
    try:
        enrolled = await conn.fetchval(
            "SELECT count(*) FROM enrollments WHERE course_id = $1::uuid", course_id
        )
        announced = await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE type = 'enrollment.created' "
            "AND payload->>'course_id' = $1",
            course_id,
        )
    finally:
        await conn.close()
    return int(enrolled or 0), int(announced or 0)


def _admin_balances(target: Target) -> dict[str, Any]:
    """``GET /ledger/balances`` through the gateway as an admin: a token signed with the stack's
    identity key (identity grants no admin role over its API)."""
    key = SigningKey.from_pem(target.spec("identity").env["EDU_SIGNING_KEY"])
    token = TokenIssuer(key).issue(
        user_id=uuid.uuid4(), email="chaos-admin@chaos.eduplatform.test", roles=["admin"]
    )
    url = f"{target.api_urls[ENGINE]}/ledger/balances"
    answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5.0)
    return {
        "status": answer.status_code,
        "body": answer.json() if answer.status_code == 200 else answer.text[:200],
    }


def checkout_ledger(patience_s: float = 20.0) -> dict[str, Any]:
    """Every checkout of this run counted once: payments succeeded == N, one charge movement per
    payment, the ledger balanced, enrolments == N, duplicates 0, lost 0, no 5xx (waiting up to
    ``patience_s`` for the redeliveries and the events). Before the method: nothing to count."""
    path = _checkouts_path()
    if not path.is_file():
        return {"ok": True, "phase": "before the method: no checkouts in this run yet"}
    target = Target.load()
    bought = json.loads(path.read_text())
    ids = [str(p["id"]) for p in bought["payments"]]
    n = len(ids)
    started = time.monotonic()
    while True:
        counts = asyncio.run(_engine_counts(target.database_url(ENGINE), ids))
        enrolled, announced = asyncio.run(
            _enrolments(target.database_url("enrollment"), bought["course_id"])
        )
        settled = counts["statuses"].get("succeeded", 0) == n and enrolled >= n
        if settled or time.monotonic() - started > patience_s:
            break
        time.sleep(0.25)
    charges = [c for c in counts["movements"] if c[1] == "charge"]
    charged_once = sum(1 for c in charges if c[2] == 1)
    duplicates = sum(c[2] - 1 for c in counts["movements"] if c[2] > 1) + max(0, announced - n)
    duplicates += max(0, len(charges) - n) + max(0, enrolled - n)
    stats = _sandbox_stats(target)
    server_errors = {s: k for s, k in stats.get("answers", {}).items() if s.startswith("5")}
    balances = _admin_balances(target)
    api_balanced = (
        balances["status"] == 200
        and all(
            bool(c.get("balanced")) for c in balances["body"].get("currencies", [balances["body"]])
        )
        if isinstance(balances["body"], dict)
        else False
    )
    entries_balanced = all(total == 0 for total in counts["entry_sums"].values())
    succeeded = counts["statuses"].get("succeeded", 0)
    lost = (n - succeeded) + (n - charged_once if charged_once < n else 0) + max(0, n - enrolled)
    violations = []
    if succeeded != n:
        violations.append(f"{succeeded} of {n} payments succeeded: {counts['statuses']}")
    if charged_once != n or len(charges) != n:
        violations.append(f"charge movements {counts['movements']} (one per payment expected)")
    if not (api_balanced and entries_balanced):
        violations.append(f"ledger not balanced: API {balances}, entries {counts['entry_sums']}")
    if enrolled != n or announced != n:
        violations.append(f"{enrolled} enrolments, {announced} enrollment.created for {n} payments")
    if server_errors:
        violations.append(f"the engine answered webhooks with {server_errors}")
    report = {
        "ok": not violations,
        "violations": violations,
        "payments": n,
        "succeeded": succeeded,
        "charge_movements": len(charges),
        "enrolments": enrolled,
        "duplicates": duplicates,
        "lost": lost,
        "ledger_balanced": api_balanced and entries_balanced,
        "webhook_answers": stats.get("answers", {}),
        "acknowledged": stats.get("acknowledged"),
        "abandoned": stats.get("abandoned"),
        "settled_in_s": round(time.monotonic() - started, 2),
        "phase": "after the method",
    }
    (run_dir() / "checkout-ledger.json").write_text(json.dumps(report, indent=2))
    return report
