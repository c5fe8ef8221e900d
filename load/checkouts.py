"""Concurrent paid checkouts with duplicate submissions (issue 22): the load `edu load checkout`
runs (edu.cli.load.checkout starts the stack, runs this, counts and judges).

One teacher prices one course (`PUT /courses/{id}/price`); ``--students`` students sign up
through the gateway (concurrently); each pays once (`POST /payments`, its own Idempotency-Key,
`tok_visa`), and ``--duplicates`` of those requests are sent a second time with the same key and
the same body right beside the original (the two race for the key), all in one burst. Every request is a line of
``requests.jsonl`` (key, student, HTTP status, payment id, milliseconds). Then, as an admin, the
ledger's balances (`GET /ledger/balances`) once every payment settled (``--settle`` s at most,
polling each payment as its student); ``ledger.json``. Reads the services' URLs from
``EDU_<SERVICE>_SERVICE_URL`` (through the gateway) and identity's signing key from
``EDU_SIGNING_KEY`` (identity grants no admin role over its API: the admin's token is signed
with the stack's key, as identity would sign it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from edu.auth.keys import SigningKey
from edu.auth.tokens import TokenIssuer
from edu.testing import api_calls, journeys
from edu.testing.harness_client import AsyncHarnessClient

PASSWORD = "load-checkout-Passw0rd!"  # noqa: S105 - accounts of a throwaway stack
CURRENCY = "EUR"
SERVICES = ("identity", "course", "enrollment", "payment-engine")


def service_urls() -> dict[str, str]:
    return {
        name: os.environ[f"EDU_{name.upper().replace('-', '_')}_SERVICE_URL"] for name in SERVICES
    }


async def students(client: AsyncHarnessClient, count: int, tag: str, parallel: int) -> list[str]:
    gate = asyncio.Semaphore(parallel)

    async def one(n: int) -> str:
        async with gate:
            email = f"buyer-{tag}-{n}@load.eduplatform.test"
            return (await client.run(journeys.new_account(email, PASSWORD))).access_token

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def main(out: Path, count: int, duplicates: int, amount_minor: int, settle_s: float) -> int:
    urls = service_urls()
    tag = uuid.uuid4().hex[:8]
    limits = httpx.Limits(max_connections=count + duplicates, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as http:
        client = AsyncHarnessClient(urls, http)
        teacher = await client.run(
            journeys.new_account(f"seller-{tag}@load.eduplatform.test", PASSWORD, teacher=True)
        )
        draft = {"title": f"Paid load course {tag}", "summary": "Paid.", "tags": ["load"]}
        parts = [{"title": "Only lesson", "estimated_minutes": 5, "body_markdown": "Read."}]
        course = await client.run(journeys.make_course(teacher.access_token, draft, parts))
        await client.send(
            api_calls.set_price(teacher.access_token, course.id, CURRENCY, amount_minor)
        )
        started = time.monotonic()
        tokens = await students(client, count, tag, parallel=16)
        signups_s = time.monotonic() - started
        requests = [(token, f"load-{uuid.uuid4()}") for token in tokens]
        random.shuffle(requests)
        resent = set(random.sample(range(len(requests)), duplicates))
        # a duplicate goes out right beside its original: the two race for the key in the engine
        burst = [
            entry
            for n, (token, key) in enumerate(requests)
            for entry in [(token, key, False), *([(token, key, True)] if n in resent else [])]
        ]
        go = asyncio.Event()

        async def pay(token: str, key: str, duplicate: bool) -> dict[str, Any]:
            call = api_calls.pay(token, key, course.id, CURRENCY, amount_minor)
            await go.wait()
            begun = time.perf_counter()
            try:
                answer = await http.request(
                    call.method, call.url(urls), json=call.body, headers=call.headers
                )
            except httpx.HTTPError as exc:
                ms = (time.perf_counter() - begun) * 1000
                return {
                    "key": key,
                    "duplicate": duplicate,
                    "status": None,
                    "error": repr(exc),
                    "ms": ms,
                }
            ms = (time.perf_counter() - begun) * 1000
            body = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
            return {
                "key": key,
                "student_token": token,
                "duplicate": duplicate,
                "status": answer.status_code,
                "replayed": answer.headers.get("idempotent-replayed") == "true",
                "payment_id": body.get("id"),
                "ms": ms,
            }

        tasks = [asyncio.create_task(pay(*entry)) for entry in burst]
        await asyncio.sleep(0.2)  # every request waits at the start line
        burst_started = time.monotonic()
        go.set()
        records = await asyncio.gather(*tasks)
        burst_s = time.monotonic() - burst_started
        with (out / "requests.jsonl").open("w") as written:
            for record in records:
                written.write(
                    json.dumps({k: v for k, v in record.items() if k != "student_token"}) + "\n"
                )
        settled_s = await settle(client, records, settle_s)
        key = SigningKey.from_pem(os.environ["EDU_SIGNING_KEY"])
        admin = TokenIssuer(key).issue(
            user_id=uuid.uuid4(), email=f"admin-{tag}@load.eduplatform.test", roles=["admin"]
        )
        balances = await http.get(
            f"{urls['payment-engine']}/ledger/balances",
            headers={"Authorization": f"Bearer {admin}"},
        )
    (out / "ledger.json").write_text(
        json.dumps(
            {
                "course_id": course.id,
                "amount_minor": amount_minor,
                "signups_s": round(signups_s, 2),
                "burst_s": round(burst_s, 3),
                "settled_s": round(settled_s, 2),
                "balances_status": balances.status_code,
                "balances": balances.json() if balances.status_code == 200 else balances.text[:300],
            },
            indent=2,
        )
    )
    return 0


async def settle(
    client: AsyncHarnessClient, records: list[dict[str, Any]], patience_s: float
) -> float:
    """Until every payment answered is no longer pending (as its student reads it)."""
    started = time.monotonic()
    waiting = {r["payment_id"]: r["student_token"] for r in records if r.get("payment_id")}
    gate = asyncio.Semaphore(32)

    async def pending(payment_id: str, token: str) -> bool:
        async with gate:
            answer = await client.send(api_calls.payment(token, payment_id))
            return bool(answer.json()["status"] == "pending")

    while waiting and time.monotonic() - started < patience_s:
        still = await asyncio.gather(*(pending(p, t) for p, t in waiting.items()))
        waiting = {p: t for (p, t), s in zip(waiting.items(), still, strict=True) if s}
        if waiting:
            await asyncio.sleep(0.5)
    return time.monotonic() - started


def cli() -> None:
    if sys.argv[1:] == ["signing-key"]:  # the stack's identity key, made before identity starts
        sys.stdout.write(SigningKey.generate().to_pem() + "\n")
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--students", type=int, default=450)
    parser.add_argument("--duplicates", type=int, default=50)
    parser.add_argument("--amount-minor", type=int, default=4900)
    parser.add_argument("--settle", type=float, default=90.0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    raise SystemExit(
        asyncio.run(main(args.out, args.students, args.duplicates, args.amount_minor, args.settle))
    )


if __name__ == "__main__":
    cli()
