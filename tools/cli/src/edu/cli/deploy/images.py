"""Image builds with buildah (no Docker engine here, no image registry: ADR 0021).

The Debian base is made locally: debootstrap (minbase, bookworm) into
~/.cache/eduplatform/deploy/rootfs-bookworm, imported once as localhost/eduplatform/debian.
From it the language bases (deploy/docker/{python,rust}-base.Dockerfile, targets build and
runtime), then one image per deployable from deploy/docker/{python,rust}.Dockerfile with a
context staged under ~/.cache/eduplatform/deploy/context/<name> (never in the repository).
Each build is timed; `--smoke` starts the image's entrypoint with buildah run (chroot
isolation, the host's network) on a free 127.0.0.1 port and asks GET /health.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import tomllib
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

CACHE = Path.home() / ".cache" / "eduplatform" / "deploy"
DEBIAN_IMAGE = "localhost/eduplatform/debian:bookworm"
STORAGE = ["--storage-driver", os.environ.get("EDU_BUILDAH_DRIVER", "overlay")]
RUST_TOOLCHAIN = Path.home() / ".rustup" / "toolchains" / "1.95.0-x86_64-unknown-linux-gnu"


class BuildError(RuntimeError):
    """A build step failed; the message says which and shows its output's tail."""


@dataclass(frozen=True)
class Deployable:
    name: str
    language: str  # "python" or "rust"
    folder: str
    package: str  # the uv package or the cargo binary
    command: tuple[str, ...]  # after the entrypoint; {port} is replaced
    health_port_env: str | None = None


DEPLOYABLES = (
    Deployable(
        "identity",
        "python",
        "services/py/identity",
        "edu-identity",
        (
            "-m",
            "uvicorn",
            "--factory",
            "edu.identity.entrypoints.asgi:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ),
    ),
    Deployable(
        "course",
        "python",
        "services/py/course",
        "edu-course",
        (
            "-m",
            "uvicorn",
            "--factory",
            "edu.course.entrypoints.asgi:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ),
    ),
    Deployable(
        "enrollment",
        "python",
        "services/py/enrollment",
        "edu-enrollment",
        (
            "-m",
            "uvicorn",
            "--factory",
            "edu.enrollment.entrypoints.asgi:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ),
    ),
    Deployable(
        "notifications",
        "python",
        "services/py/notifications",
        "edu-notifications",
        (
            "-m",
            "uvicorn",
            "--factory",
            "edu.notifications.entrypoints.asgi:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ),
    ),
    Deployable(
        "analytics-api",
        "python",
        "services/py/analytics-api",
        "edu-analytics-api",
        (
            "-m",
            "uvicorn",
            "--factory",
            "edu.analytics_api.entrypoints.asgi:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ),
    ),
    Deployable(
        "web",
        "python",
        "services/py/web",
        "edu-web",
        (
            "-m",
            "uvicorn",
            "--factory",
            "edu.web.pages.asgi:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ),
    ),
    Deployable(
        "email-sender",
        "python",
        "workers/py/email-sender",
        "edu-email-sender",
        ("-m", "edu.email_sender"),
    ),
    Deployable(
        "analytics-aggregator",
        "python",
        "workers/py/analytics-aggregator",
        "edu-analytics-aggregator",
        ("-m", "edu.analytics_aggregator"),
        "EDU_METRICS_PORT",
    ),
    Deployable("api-gateway", "rust", "services/rs/api-gateway", "api-gateway", (), "EDU_PORT"),
    Deployable(
        "event-ingestion", "rust", "services/rs/event-ingestion", "event-ingestion", (), "EDU_PORT"
    ),
)


@dataclass
class Result:
    name: str
    seconds: float
    size_mb: float
    smoke: str
    ok: bool


def _run(argv: list[str], what: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        argv, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL, cwd=cwd
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-25:])
        raise BuildError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def _buildah(*args: str) -> list[str]:
    return ["buildah", *STORAGE, *args]


def _image_exists(name: str) -> bool:
    done = subprocess.run(
        _buildah("inspect", "--type", "image", name), capture_output=True, check=False
    )
    return done.returncode == 0


def ensure_debian() -> None:
    """debootstrap once into the cache, import it as DEBIAN_IMAGE."""
    if _image_exists(DEBIAN_IMAGE):
        return
    rootfs = CACHE / "rootfs-bookworm"
    if not (rootfs / "usr" / "bin" / "apt-get").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                "bookworm",
                str(rootfs),
                "http://deb.debian.org/debian",
            ],
            "debootstrap",
        )
    for leftover in (rootfs / "var" / "cache" / "apt" / "archives").glob("*.deb"):
        leftover.unlink()
    container = _run(_buildah("from", "scratch"), "buildah from scratch").strip()
    try:
        mount = _run(_buildah("mount", container), "buildah mount").strip()
        _run(["cp", "-a", f"{rootfs}/.", mount], "copy the root filesystem")
        _run(
            _buildah(
                "config",
                "--cmd",
                "/bin/bash",
                "--env",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                container,
            ),
            "buildah config",
        )
        _run(_buildah("commit", "--rm", container, DEBIAN_IMAGE), "buildah commit")
    except BuildError:
        subprocess.run(_buildah("rm", container), capture_output=True, check=False)
        raise


HOST_CA = "/run/edu-host-ca.crt"


def _trust() -> list[str]:
    """The machine's CA bundle for downloads during RUN (a TLS-inspecting egress proxy here).

    Passed as build arguments (the Dockerfiles declare them), never baked into an image: the
    runtimes carry Debian's own bundle.
    """
    bundle = os.environ.get("SSL_CERT_FILE", "")
    if not bundle or not Path(bundle).is_file():
        return []
    args = ["--volume", f"{bundle}:{HOST_CA}:ro"]
    for name in ("SSL_CERT_FILE", "PIP_CERT", "CARGO_HTTP_CAINFO"):
        args += ["--build-arg", f"{name}={HOST_CA}"]
    return args


def _build(dockerfile: Path, context: Path, tag: str, *extra: str) -> float:
    started = time.monotonic()
    argv = _buildah("build", "--layers", "--format", "docker", "--isolation", "chroot")
    _run(
        [*argv, *_trust(), "-f", str(dockerfile), "-t", tag, *extra, str(context)],
        f"buildah build {tag}",
    )
    return time.monotonic() - started


def ensure_bases(root: Path, languages: set[str]) -> None:
    ensure_debian()
    docker = root / "deploy" / "docker"
    for language in sorted(languages):
        suffix = "3.11" if language == "python" else ""
        for target in ("build", "runtime"):
            tag = f"localhost/eduplatform/{language}-{target}:" + (
                suffix or ("1.95" if target == "build" else "bookworm")
            )
            _build(docker / f"{language}-base.Dockerfile", docker, tag, "--target", target)


def _workspace_members(root: Path) -> dict[str, Path]:
    members = {}
    for pattern in ("libs/py/*", "services/py/*", "workers/py/*", "tools/*"):
        for folder in sorted(root.glob(pattern)):
            manifest = folder / "pyproject.toml"
            if manifest.exists():
                members[tomllib.loads(manifest.read_text())["project"]["name"]] = folder
    return members


def _workspace_closure(package: str, members: dict[str, Path]) -> list[str]:
    seen: list[str] = []
    todo = [package]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        project = tomllib.loads((members[name] / "pyproject.toml").read_text())["project"]
        for requirement in project.get("dependencies", []):
            dep = requirement.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
            if dep in members:
                todo.append(dep)
    return seen


def _sync(source: Path, target: Path) -> None:
    """Copy a tree, keeping modification times (layer caching) and dropping tests/caches."""
    ignore = shutil.ignore_patterns("tests", "__pycache__", "*.pyc", "target", ".pytest_cache")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=ignore)


def stage_python(root: Path, item: Deployable) -> Path:
    context = CACHE / "context" / item.name
    members = _workspace_members(root)
    lock = context / "lock"
    if lock.exists():
        shutil.rmtree(lock)
    lock.mkdir(parents=True)
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy2(root / name, lock / name)
    for folder in members.values():
        relative = folder.relative_to(root)
        (lock / relative).mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / "pyproject.toml", lock / relative / "pyproject.toml")
    src = context / "src"
    if src.exists():
        shutil.rmtree(src)
    for name in _workspace_closure(item.package, members):
        _sync(members[name], src / members[name].relative_to(root))
    return context


def stage_rust(root: Path, item: Deployable) -> Path:
    context = CACHE / "context" / item.name
    skeleton = context / "skeleton"
    if skeleton.exists():
        shutil.rmtree(skeleton)
    skeleton.mkdir(parents=True)
    for name in ("Cargo.toml", "Cargo.lock", "rust-toolchain.toml"):
        shutil.copy2(root / name, skeleton / name)
    for manifest in sorted(
        [*root.glob("libs/rs/*/Cargo.toml"), *root.glob("services/rs/*/Cargo.toml")]
    ):
        crate = manifest.parent.relative_to(root)
        (skeleton / crate / "src").mkdir(parents=True)
        shutil.copy2(manifest, skeleton / crate / "Cargo.toml")
        stamp = 0.0  # stubs older than any real file: cargo rebuilds when the real one lands
        for source in [
            manifest.parent / "src" / "lib.rs",
            manifest.parent / "src" / "main.rs",
            *sorted((manifest.parent / "src" / "bin").glob("*.rs")),
        ]:
            if source.exists():
                stub = skeleton / crate / source.relative_to(manifest.parent)
                stub.parent.mkdir(parents=True, exist_ok=True)
                body = "fn main() {}\n" if source.name != "lib.rs" else ""
                stub.write_text(body)
                os.utime(stub, (stamp, stamp))
    _sync(root / "libs" / "rs", context / "libs")
    _sync(root / item.folder, context / "service")
    return context


def _size_mb(tag: str) -> float:
    out = _run(
        _buildah("inspect", "--type", "image", "--format", "{{.ImageAnnotations}}", tag), "inspect"
    )
    del out
    listing = _run(_buildah("images", "--json", tag), "buildah images")
    data = json.loads(listing)
    return round(float(data[0]["size"]) / 1e6, 1) if data else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smoke(item: Deployable, tag: str) -> str:
    if "{port}" not in item.command and item.health_port_env is None:
        return "no HTTP: not smoked"
    port = _free_port()
    container = _run(_buildah("from", tag), "buildah from").strip()
    env = {"EDU_ENVIRONMENT": "development", "EDU_PORT": str(port), "EDU_METRICS_PORT": str(port)}
    argv = _buildah("run", "--isolation", "chroot")
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    entry = "/app/.venv/bin/python" if item.language == "python" else "/app/service"
    argv += [container, "--", entry, *(a.replace("{port}", str(port)) for a in item.command)]
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    verdict = "no answer in 30 s"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    verdict = f"GET /health {r.status}"
                    break
            except OSError:
                time.sleep(0.3)
        if process.poll() is not None and not verdict.startswith("GET"):
            output = process.stdout.read() if process.stdout else ""
            verdict = f"exited {process.returncode}: {output.strip().splitlines()[-1:]}"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(_buildah("rm", container), capture_output=True, check=False)
    return verdict


def build_one(root: Path, item: Deployable, with_smoke: bool) -> Result:
    tag = f"localhost/eduplatform/{item.name}:dev"
    docker = root / "deploy" / "docker"
    if item.language == "python":
        context = stage_python(root, item)
        seconds = _build(
            docker / "python.Dockerfile", context, tag, "--build-arg", f"PACKAGE={item.package}"
        )
    else:
        context = stage_rust(root, item)
        seconds = _build(
            docker / "rust.Dockerfile",
            context,
            tag,
            "--build-arg",
            f"BIN={item.package}",
            "--build-arg",
            f"CRATE_DIR={item.folder}",
            "--volume",
            f"{RUST_TOOLCHAIN.resolve()}:/usr/local/rust:ro",
        )
    verdict = smoke(item, tag) if with_smoke else "not run"
    ok = verdict.startswith(("GET /health 200", "no HTTP"))
    return Result(item.name, round(seconds, 1), _size_mb(tag), verdict, ok or not with_smoke)


def build_all(root: Path, only: list[str], smoke: bool) -> list[Result]:
    chosen = [d for d in DEPLOYABLES if not only or d.name in only]
    unknown = set(only) - {d.name for d in DEPLOYABLES}
    if unknown:
        raise BuildError(f"unknown deployable(s): {', '.join(sorted(unknown))}")
    ensure_bases(root, {d.language for d in chosen})
    return [build_one(root, item, smoke) for item in chosen]


def table(results: list[Result]) -> str:
    lines = [f"{'deployable':<22} {'build s':>8} {'size MB':>8}  smoke"]
    lines += [f"{r.name:<22} {r.seconds:>8.1f} {r.size_mb:>8.1f}  {r.smoke}" for r in results]
    return "\n".join(lines)


def to_json(results: list[Result]) -> str:
    return json.dumps([asdict(r) for r in results], indent=2)
