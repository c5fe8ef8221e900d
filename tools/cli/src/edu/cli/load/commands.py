"""``edu load``: the load suite (load/) against the platform on free ports, seeded, SLO-checked.

edu load smoke             the nightly profile (<= 90 s): stack, seed S, Locust, SLOs, stop
edu load run PROFILE       any profile of load/profiles.toml the same way
edu load weekly            one stack seeded M: ramp, step (the knee), soak, the benchmark and
                           the gateway comparison
edu load bench             the catalogue vs its bare twin (Starlette + asyncpg), one worker each
edu load gateway           direct vs through the api-gateway on one stack seeded S (report only)
edu load check FOLDER      judge an earlier run's CSV against load/slo.toml again
edu load checkout          500 concurrent paid checkouts, 10 % duplicate submissions: one payment
                           per key, 0 double charges, ledger balanced, one enrolment each
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.env import repository_root
from edu.cli.load.bench import side_by_side
from edu.cli.load.checkout import run_checkouts
from edu.cli.load.gateway import GATEWAY_ENV, GatewayBenchError, Settings, measure, write_report
from edu.cli.load.knee import find_knee, steps_of
from edu.cli.load.learning import ACKED_EVENTS_VARIABLE, check_folded
from edu.cli.load.locust_csv import read_history, read_stats
from edu.cli.load.locust_run import LocustRun
from edu.cli.load.profiles import Profile, ProfileFileError, load_profiles
from edu.cli.load.results import (
    checks_line,
    fresh_folder,
    fresh_folder_now,
    results_root,
    write_slo_report,
)
from edu.cli.load.slo import SloBook, SloFileError, load_slos
from edu.cli.load.stack import GATEWAY, LoadStack, load_stack
from edu.cli.load.verdict import judge
from edu.infra.cargo_build import PROFILE_VARIABLE, profile_folder, target_directory

load_app = typer.Typer(
    help="Load tests (Locust) with SLO gates; see load/README.md.", no_args_is_help=True
)

SloOption = Annotated[Path | None, typer.Option(help="SLO file (default load/slo.toml).")]
EnvOption = Annotated[
    list[str] | None,
    typer.Option("--env", help="NAME=VALUE for every service process, e.g. a tuning knob."),
]


def _say(line: str) -> None:
    typer.echo(line)


def _slos(root: Path, slo: Path | None) -> SloBook:
    try:
        return load_slos(slo or root / "load" / "slo.toml")
    except SloFileError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def _profile(root: Path, name: str) -> Profile:
    try:
        profiles = load_profiles(root / "load" / "profiles.toml")
    except ProfileFileError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    if name not in profiles:
        typer.secho(f"no profile {name!r}; known: {', '.join(profiles)}", fg="red", err=True)
        raise typer.Exit(2)
    return profiles[name]


def _extra_env(pairs: list[str] | None) -> dict[str, str]:
    env = dict(pair.split("=", 1) for pair in pairs or [] if "=" in pair)
    if len(env) != len(pairs or []):
        typer.secho("--env takes NAME=VALUE", fg="red", err=True)
        raise typer.Exit(2)
    return env


def _run_profile(root: Path, stack: LoadStack, profile: Profile, book: SloBook) -> bool:
    out = fresh_folder(results_root(root) / profile.name)
    typer.secho(f"\n=== load profile {profile.name}: {profile.description}", bold=True)
    started = time.monotonic()
    acked = out / "acked-events"
    env = {**stack.locust_environment(), ACKED_EVENTS_VARIABLE: str(acked)}
    run = LocustRun(profile, root, out, stack.gateway_url, env)
    run.run()
    typer.echo(f"locust ran {time.monotonic() - started:.1f} s; reports in {out}")
    report = judge(read_stats(run.prefix), book, profile.name, profile.calls)
    learning = check_folded(stack.analytics_database, acked)
    typer.echo(write_slo_report(out, profile.name, report, learning))
    typer.echo(checks_line(report, learning))
    return report.ok and learning.ok


def _stack_folder(root: Path) -> Path:
    folder = root / ".edu" / "load" / "stack"
    fresh_folder_now(folder)
    return folder


def _keep_logs(stack: LoadStack, destination: Path) -> None:
    logs = stack.stack.folder / "logs"
    if logs.is_dir():
        shutil.copytree(logs, destination / "logs", dirs_exist_ok=True)


@load_app.command("run")
def run_command(
    profile: Annotated[str, typer.Argument(help="A profile of load/profiles.toml.")] = "smoke",
    slo: SloOption = None,
    env: EnvOption = None,
) -> None:
    """Start the stack, seed it, run one profile, check the SLOs, stop everything."""
    root = repository_root()
    book, chosen = _slos(root, slo), _profile(root, profile)
    started = time.monotonic()
    with load_stack(_stack_folder(root), chosen.seed, say=_say, extra_env=_extra_env(env)) as stack:
        ok = _run_profile(root, stack, chosen, book)
        _keep_logs(stack, results_root(root) / chosen.name)
    typer.echo(f"load {chosen.name}: {time.monotonic() - started:.1f} s in all")
    if not ok:
        raise typer.Exit(1)


@load_app.command("smoke")
def smoke_command(slo: SloOption = None, env: EnvOption = None) -> None:
    """The nightly smoke profile (the `load` layer): <= 90 s from start to stop."""
    run_command("smoke", slo, env)


@load_app.command("check")
def check_command(
    folder: Annotated[Path, typer.Argument(help="A results folder, e.g. .edu/results/load/smoke.")],
    profile: Annotated[
        str, typer.Option(help="Whose throughput floor and endpoints apply.")
    ] = "smoke",
    slo: SloOption = None,
) -> None:
    """Judge an earlier run's Locust CSV against the SLOs (non-zero exit on a breach)."""
    root = repository_root()
    calls = _profile(root, profile).calls
    report = judge(read_stats(folder / "locust"), _slos(root, slo), profile, calls)
    typer.echo(write_slo_report(folder, profile, report))
    typer.echo(checks_line(report))
    if not report.ok:
        raise typer.Exit(1)


@load_app.command("bench")
def bench_command(
    seconds: Annotated[int, typer.Option(help="Seconds of load on each side.")] = 10,
    env: EnvOption = None,
) -> None:
    """The catalogue as the service serves it vs a bare Starlette + asyncpg twin."""
    root = repository_root()
    with load_stack(_stack_folder(root), "M", say=_say, extra_env=_extra_env(env)) as stack:
        _bench(root, stack, seconds, _extra_env(env))


def _bench(root: Path, stack: LoadStack, seconds: int, env: dict[str, str]) -> None:
    out = results_root(root) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    result = side_by_side(
        root,
        stack.stack.service_urls["course"],
        stack.postgres,
        out / "twin.log",
        env,
        seconds=seconds,
    )
    (out / "bench.txt").write_text(result.render() + "\n")
    typer.echo(result.render())


RustProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="The cargo profile the stack builds the gateway with (dev or release); default: "
        f"${PROFILE_VARIABLE} if set, else release when its binary is already built, else dev.",
    ),
]


def _gateway_profile(root: Path, asked: str | None) -> str:
    """What the comparison measures: as asked, else what is already built (a cold release
    build of the gateway takes minutes on 2 cores; dev's crypto crates are optimised too)."""
    if asked:
        return asked
    if os.environ.get(PROFILE_VARIABLE):
        return os.environ[PROFILE_VARIABLE]
    built = target_directory(root) / profile_folder("release") / GATEWAY
    return "release" if built.is_file() else "dev"


@contextmanager
def _rust_profile(profile: str) -> Iterator[None]:
    """The stacks started inside build their Rust services with ``profile``."""
    before = os.environ.get(PROFILE_VARIABLE)
    os.environ[PROFILE_VARIABLE] = profile
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PROFILE_VARIABLE, None)
        else:
            os.environ[PROFILE_VARIABLE] = before


def _gateway(root: Path, stack: LoadStack, seed: str, settings: Settings) -> None:
    out = fresh_folder(results_root(root) / "gateway")
    try:
        report = measure(root, stack, out, seed, settings, _say)
    except GatewayBenchError as exc:
        typer.secho(f"the gateway comparison failed: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(write_report(out, report))
    typer.echo(f"reports in {out}")


@load_app.command("gateway")
def gateway_command(
    profile: RustProfileOption = None,
    rounds: Annotated[
        int, typer.Option(help="Sequential requests per side and request, after warm-up.")
    ] = Settings.rounds,
    seconds: Annotated[int, typer.Option(help="Seconds of each closed-loop run.")] = (
        Settings.seconds
    ),
    pairs: Annotated[int, typer.Option(help="Closed-loop runs per side (A B alternating).")] = (
        Settings.pairs
    ),
    env: EnvOption = None,
) -> None:
    """Direct vs through the api-gateway, side by side on one stack seeded S (report only)."""
    root = repository_root()
    chosen = _gateway_profile(root, profile)
    typer.echo(f"the gateway is built with the {chosen} profile")
    settings = Settings(
        rounds=rounds, warmup=max(1, rounds // 10), seconds=seconds, pairs=max(1, pairs)
    )
    started = time.monotonic()
    with (
        _rust_profile(chosen),
        load_stack(
            _stack_folder(root), "S", say=_say, extra_env=_extra_env(env), own_env=GATEWAY_ENV
        ) as stack,
    ):
        _gateway(root, stack, "S", settings)
        _keep_logs(stack, results_root(root) / "gateway")
    typer.echo(f"load gateway: {time.monotonic() - started:.1f} s in all")


@load_app.command("weekly")
def weekly_command(
    slo: SloOption = None, env: EnvOption = None, profile: RustProfileOption = None
) -> None:
    """Ramp, step (finds the knee), soak, the twin benchmark and the gateway comparison on
    one stack seeded M."""
    root = repository_root()
    book, extra = _slos(root, slo), _extra_env(env)
    profiles = [_profile(root, name) for name in ("ramp", "step", "soak")]
    chosen = _gateway_profile(root, profile)
    typer.echo(f"the gateway is built with the {chosen} profile")
    with (
        _rust_profile(chosen),
        load_stack(
            _stack_folder(root), "M", say=_say, extra_env=extra, own_env=GATEWAY_ENV
        ) as stack,
    ):
        results = {p.name: _run_profile(root, stack, p, book) for p in profiles}
        knee = find_knee(
            steps_of(read_history(results_root(root) / "step" / "locust"), list(book.knee)),
            book.knee,
        )
        text = knee.render(book.knee)
        (results_root(root) / "step" / "knee.txt").write_text(text + "\n")
        typer.secho("\n=== the knee (step profile)", bold=True)
        typer.echo(text)
        typer.secho("\n=== benchmark", bold=True)
        _bench(root, stack, 10, extra)
        typer.secho("\n=== direct vs through the api-gateway", bold=True)
        _gateway(root, stack, "M", Settings())
        _keep_logs(stack, results_root(root) / "weekly")
    # Ramp and step go past the knee on purpose: only the soak must hold every SLO.
    if not results["soak"] or knee.knee is None:
        raise typer.Exit(1)


@load_app.command("checkout")
def checkout_command(
    requests: Annotated[
        int, typer.Option(help="POST /payments in the burst, duplicates included.")
    ] = 500,
    duplicate_ratio: Annotated[
        float, typer.Option(help="Share of the requests that resend another's key and body.")
    ] = 0.1,
    out: Annotated[str, typer.Option(help="Results folder under .edu/results/load/.")] = "checkout",
) -> None:
    """Concurrent paid checkouts with duplicate submissions through the gateway: distinct
    payments == unique keys, 0 double charges, ledger balanced, one enrolment each, no 5xx."""
    root = repository_root()
    duplicates = round(requests * duplicate_ratio)
    folder = results_root(root) / out
    fresh_folder(folder)
    summary = run_checkouts(
        root,
        _stack_folder(root),
        folder,
        students=requests - duplicates,
        duplicates=duplicates,
        say=_say,
    )
    typer.echo((folder / "report.md").read_text())
    typer.echo(f"results in {folder}")
    if not summary["ok"]:
        raise typer.Exit(1)
