"""Image builds with buildah (no Docker engine here, no image registry: ADR 0021).

The Debian base is made locally: debootstrap (minbase, bookworm) into
~/.cache/eduplatform/deploy/rootfs-bookworm, imported once as localhost/eduplatform/debian.
From it the language bases (deploy/docker/{python,rust}-base.Dockerfile, targets build and
runtime), then one image per deployable from deploy/docker/{python,rust}.Dockerfile with a
context staged under ~/.cache/eduplatform/deploy/context/<name> (never in the repository),
from a commit (``git archive``, HEAD by default) or the working tree. The Rust builds keep
their cargo target in ~/.cache/eduplatform/deploy/cargo-target (never the checkout's shared
~/.cache/eduplatform/cargo-target: a crate built from another path is taken as fresh there).
Each build is timed with the load average; ``measure`` builds cold (no layer cache, an empty
cargo target) and again after a one-line change in the staged source. The smoke test starts
the image's entrypoint with buildah run (chroot isolation, the host's network) on a free
127.0.0.1 port and asks GET /health (a worker without HTTP must still be running after 10 s),
then runs the image's own checks (a service's migrations load, ffmpeg runs where it is needed).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
import tomllib
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

CACHE = Path.home() / ".cache" / "eduplatform" / "deploy"
DEBIAN_IMAGE = "localhost/eduplatform/debian:bookworm"
STORAGE = ["--storage-driver", os.environ.get("EDU_BUILDAH_DRIVER", "overlay")]


class BuildError(RuntimeError):
    """A build step failed; the message says which and shows its output's tail."""


def rust_toolchain(root: Path) -> Path:
    """The toolchain rust-toolchain.toml pins, as installed here (mounted read-only into the
    Rust build): ``rustc --print sysroot`` run in the repository, so rustup resolves the pin
    wherever it keeps toolchains (~/.rustup here, /usr/local/rustup in the rust images)."""
    done = subprocess.run(
        ["rustc", "--print", "sysroot"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise BuildError(f"rustc --print sysroot failed: {done.stderr.strip()}")
    return Path(done.stdout.strip()).resolve()


@dataclass(frozen=True)
class Deployable:
    name: str
    language: str  # "python" or "rust"
    folder: str
    package: str  # the uv package or the cargo binary
    command: tuple[str, ...]  # after the entrypoint; {port} is replaced
    health_port_env: str | None = None
    # What its start-up needs to reach GET /health: /health checks no dependency and the
    # engines/clients connect lazily, so an address nothing listens on is enough.
    # A value's "{silent}" is a 127.0.0.1 port the smoke holds open that accepts and never
    # answers: for a client that connects eagerly at start-up (feed-builder's Redis).
    smoke_env: tuple[tuple[str, str], ...] = ()
    edited: str = ""  # the file the incremental measurement changes (relative to folder)
    # The language base's runtime target the image runs on (rust-base.Dockerfile: "runtime",
    # distroless, or "runtime-ffmpeg" with Debian's ffmpeg).
    runtime: str = "runtime"
    # Commands that must exit 0 inside the image after the start-up smoke, each with what it
    # shows when it prints nothing (ffmpeg -version; an encode to the null muxer).
    image_checks: tuple[tuple[str, tuple[str, ...]], ...] = ()


NOWHERE_DB = "postgresql+asyncpg://smoke@127.0.0.1:9/smoke"  # port 9 (discard): nothing listens


def _uvicorn(module: str) -> tuple[str, ...]:
    return ("-m", "uvicorn", "--factory", f"{module}:create_app")


NOWHERE_NATS = "nats://127.0.0.1:9"
# What the transcoder asks of ffmpeg (H.264 at a rung of its ladder, scaled), on a second of
# lavfi's test pattern, to the null muxer: the codec libraries load and work in the image.
ENCODE_ONE_SECOND = (
    *("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi"),
    *("-i", "testsrc=duration=1:size=640x360:rate=25", "-vf", "scale=-2:240"),
    *("-c:v", "libx264", "-preset", "veryfast", "-f", "null", "-"),
)


def _service(name: str, module: str, asgi: str, **extra: str) -> Deployable:
    env = {"EDU_DATABASE_URL": NOWHERE_DB, **extra}
    return Deployable(
        name,
        "python",
        f"services/py/{name}",
        f"edu-{name}",
        (*_uvicorn(asgi), "--host", "127.0.0.1", "--port", "{port}"),
        smoke_env=tuple(env.items()),
        edited=f"src/edu/{module}/entrypoints/app.py",
    )


DEPLOYABLES = (
    _service(
        "identity",
        "identity",
        "edu.identity.entrypoints.asgi",
        EDU_REDIS_URL="redis://127.0.0.1:9/0",
    ),
    _service("course", "course", "edu.course.entrypoints.asgi", EDU_GRPC_PORT="0"),
    _service("enrollment", "enrollment", "edu.enrollment.entrypoints.asgi"),
    _service("notifications", "notifications", "edu.notifications.entrypoints.asgi"),
    _service("analytics-api", "analytics_api", "edu.analytics_api.entrypoints.asgi"),
    _service("moderation", "moderation", "edu.moderation.entrypoints.asgi"),
    _service(
        "teacher-tools",
        "teacher_tools",
        "edu.teacher_tools.entrypoints.asgi",
        EDU_COURSE_SERVICE_URL="http://127.0.0.1:9",
        EDU_MESSAGING_SERVICE_URL="http://127.0.0.1:9",
        EDU_MODERATION_SERVICE_URL="http://127.0.0.1:9",
    ),
    Deployable(
        "web",
        "python",
        "services/py/web",
        "edu-web",
        (*_uvicorn("edu.web.pages.asgi"), "--host", "127.0.0.1", "--port", "{port}"),
        edited="src/edu/web/pages/asgi.py",
    ),
    Deployable(
        "email-sender",
        "python",
        "workers/py/email-sender",
        "edu-email-sender",
        ("-m", "edu.email_sender"),
        smoke_env=(("EDU_DATABASE_URL", NOWHERE_DB),),
        edited="src/edu/email_sender/__main__.py",
    ),
    Deployable(
        "analytics-aggregator",
        "python",
        "workers/py/analytics-aggregator",
        "edu-analytics-aggregator",
        ("-m", "edu.analytics_aggregator"),
        "EDU_METRICS_PORT",
        smoke_env=(("EDU_DATABASE_URL", NOWHERE_DB), ("EDU_NATS_URL", "nats://127.0.0.1:9")),
        edited="src/edu/analytics_aggregator/__main__.py",
    ),
    Deployable(
        "certificate-generator",
        "python",
        "workers/py/certificate-generator",
        "edu-certificate-generator",
        ("-m", "edu.certificate_generator"),
        "EDU_HTTP_PORT",
        smoke_env=(
            ("EDU_DATABASE_URL", NOWHERE_DB),
            ("EDU_NATS_URL", "nats://127.0.0.1:9"),
            ("EDU_CERTIFICATE_STORE_DIR", "/tmp/certificates"),  # noqa: S108 - in the smoke container
        ),
        edited="src/edu/certificate_generator/__main__.py",
    ),
    Deployable(
        "api-gateway",
        "rust",
        "services/rs/api-gateway",
        "api-gateway",
        (),
        "EDU_PORT",
        smoke_env=(("EDU_REDIS_URL", "redis://127.0.0.1:9/0"),),
        edited="src/main.rs",
    ),
    Deployable(
        "event-ingestion",
        "rust",
        "services/rs/event-ingestion",
        "event-ingestion",
        (),
        "EDU_PORT",
        smoke_env=(("EDU_NATS_URL", "nats://127.0.0.1:9"),),
        edited="src/main.rs",
    ),
    Deployable(
        "payment-engine",
        "rust",
        "services/rs/payment-engine",
        "payment-engine",
        (),
        "EDU_PORT",
        smoke_env=(
            ("EDU_DATABASE_URL", "postgresql://smoke@127.0.0.1:9/payments"),
            ("EDU_NATS_URL", "nats://127.0.0.1:9"),
            ("EDU_PROVIDER_URL", "http://127.0.0.1:9"),
            ("EDU_GRPC_PORT", "0"),
        ),
        edited="src/main.rs",
    ),
    Deployable(
        "search",
        "rust",
        "services/rs/search",
        "search",
        (),
        "EDU_PORT",
        # No EDU_SEARCH_INDEX_DIR: the index in memory, filled from the stream once NATS answers.
        smoke_env=(
            ("EDU_NATS_URL", NOWHERE_NATS),
            ("EDU_COURSE_SERVICE_URL", "http://127.0.0.1:9"),
        ),
        edited="src/main.rs",
    ),
    Deployable(
        "messaging",
        "rust",
        "services/rs/messaging",
        "messaging",
        (),
        "EDU_PORT",
        smoke_env=(
            ("EDU_DATABASE_URL", "postgresql://smoke@127.0.0.1:9/messaging"),
            ("EDU_NATS_URL", NOWHERE_NATS),
            ("EDU_IDENTITY_SERVICE_URL", "http://127.0.0.1:9"),
        ),
        edited="src/main.rs",
    ),
    Deployable(
        "video-processor",
        "rust",
        "services/rs/video-processor",
        "video-processor",
        (),
        "EDU_PORT",
        # Stores and serves files only: no ffmpeg/ffprobe of its own (the transcoder runs them).
        smoke_env=(
            ("EDU_DATABASE_URL", "postgresql://smoke@127.0.0.1:9/video"),
            ("EDU_NATS_URL", NOWHERE_NATS),
            ("EDU_IDENTITY_SERVICE_URL", "http://127.0.0.1:9"),
            ("EDU_COURSE_SERVICE_URL", "http://127.0.0.1:9"),
            ("EDU_ENROLLMENT_SERVICE_URL", "http://127.0.0.1:9"),
            ("EDU_VIDEO_STORE_DIR", "/tmp/video-store"),  # noqa: S108 - in the smoke container
        ),
        edited="src/main.rs",
    ),
    Deployable(
        "feed-builder",
        "rust",
        "workers/rs/feed-builder",
        "feed-builder",
        (),
        # Connects to Redis before anything else and exits when it is refused: a port that
        # accepts and stays silent, with a long timeout, keeps it starting past the 10 s.
        smoke_env=(
            ("EDU_REDIS_URL", "redis://127.0.0.1:{silent}/0"),
            ("EDU_FEED_REDIS_TIMEOUT_MS", "30000"),
            ("EDU_NATS_URL", NOWHERE_NATS),
        ),
        edited="src/main.rs",
    ),
    Deployable(
        "video-transcoder",
        "rust",
        "workers/rs/video-transcoder",
        "video-transcoder",
        (),
        smoke_env=(
            ("EDU_NATS_URL", NOWHERE_NATS),
            ("EDU_VIDEO_STORE_DIR", "/tmp/video-store"),  # noqa: S108 - in the smoke container
            ("EDU_VIDEO_WORK_DIR", "/tmp/video-work"),  # noqa: S108 - in the smoke container
            ("EDU_FFMPEG", "/usr/bin/ffmpeg"),  # as its ConfigMap sets it
        ),
        edited="src/main.rs",
        runtime="runtime-ffmpeg",
        image_checks=(
            ("ffmpeg -version", ("/usr/bin/ffmpeg", "-hide_banner", "-version")),
            ("ffprobe -version", ("/usr/bin/ffprobe", "-hide_banner", "-version")),
            ("ffmpeg encodes 1 s of test video with libx264", ENCODE_ONE_SECOND),
        ),
    ),
)


@dataclass
class Result:
    name: str
    seconds: float  # the build asked for (cold when measuring)
    size_mb: float
    smoke: str
    ok: bool
    load: str  # /proc/loadavg's 1/5/15-minute figures when the build started
    incremental_seconds: float | None = None  # after a one-line change (measure only)
    incremental_load: str | None = None


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


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


def _layer_cache() -> list[str]:
    """``EDU_IMAGE_CACHE_REPO`` (e.g. ghcr.io/eduplatform/build-cache): layers are also read from
    and written to that repository, so a fresh CI machine starts from the last build's layers."""
    repository = os.environ.get("EDU_IMAGE_CACHE_REPO", "")
    return ["--cache-from", repository, "--cache-to", repository] if repository else []


def _build(dockerfile: Path, context: Path, tag: str, *extra: str, cold: bool = False) -> float:
    """One ``buildah build`` timed; ``cold`` ignores the layer cache (``--no-cache``)."""
    started = time.monotonic()
    argv = _buildah("build", "--layers", "--format", "docker", "--isolation", "chroot")
    argv += ["--no-cache"] if cold else _layer_cache()
    output = _run(
        [*argv, *_trust(), "-f", str(dockerfile), "-t", tag, *extra, str(context)],
        f"buildah build {tag}",
    )
    seconds = time.monotonic() - started
    # Which steps ran and which came from the cache ("Using cache"): the log of the last build.
    logs = CACHE / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    name = tag.rsplit("/", 1)[-1].replace(":", "-")
    (logs / f"{name}{'-cold' if cold else ''}.log").write_text(output)
    return seconds


def base_tag(language: str, target: str) -> str:
    """The tag of a language base's target (``{python,rust}-base.Dockerfile``)."""
    version = "3.11" if language == "python" else ("1.95" if target == "build" else "bookworm")
    return f"localhost/eduplatform/{language}-{target}:{version}"


def base_targets(chosen: Sequence[Deployable]) -> list[tuple[str, str]]:
    """(language, target) of every base the chosen images need: each language's build and
    runtime, and another runtime (runtime-ffmpeg) only when a chosen image runs on it."""
    needed = []
    for language in sorted({d.language for d in chosen}):
        extra = sorted({d.runtime for d in chosen if d.language == language} - {"runtime"})
        needed += [(language, target) for target in ("build", "runtime", *extra)]
    return needed


def ensure_bases(root: Path, chosen: Sequence[Deployable]) -> None:
    ensure_debian()
    docker = root / "deploy" / "docker"
    for language, target in base_targets(chosen):
        tag = base_tag(language, target)
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


STAGED_MTIME = 946684800  # 2000-01-01: after 1980 (wheels are zip files), before any build


def _settle(context: Path) -> None:
    """Give every staged file and folder one fixed modification time.

    Staging afresh makes new folders and takes an extracted commit's times: one fixed time
    keeps what COPY sees down to the content, so an unchanged context hits buildah's layer
    cache on every run. Cargo does not rely on these times: the Dockerfile touches each
    layer's sources before building them.
    """
    for path in [context, *context.rglob("*")]:
        os.utime(path, (STAGED_MTIME, STAGED_MTIME), follow_symlinks=False)


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
    # The service's own migrations travel with its code (/app/migrations/<database>): its pods
    # run `python -m edu.db upgrade` on them first. Always a folder, so COPY finds one.
    (src / "migrations").mkdir()
    declared = declared_migrations(root / item.folder)
    if declared:
        _sync(root / declared, src / declared)
    _settle(context)
    return context


def declared_migrations(folder: Path) -> str | None:
    """``migrations/<database>`` from a service's (or a worker's own schema's) ``migrations`` in
    ``[tool.edu.service]`` / ``[tool.edu.worker]``; None for a worker on another's schema."""
    edu = tomllib.loads((folder / "pyproject.toml").read_text()).get("tool", {}).get("edu", {})
    for kind in ("service", "worker"):
        declared = edu.get(kind, {}).get("migrations")
        if isinstance(declared, str):
            return declared
    return None


RUST_MEMBERS = ("libs/rs", "services/rs", "workers/rs")  # the workspace's members (Cargo.toml)


def stage_rust(root: Path, item: Deployable) -> Path:
    context = CACHE / "context" / item.name
    skeleton = context / "skeleton"
    if skeleton.exists():
        shutil.rmtree(skeleton)
    skeleton.mkdir(parents=True)
    for name in ("Cargo.toml", "Cargo.lock", "rust-toolchain.toml"):
        shutil.copy2(root / name, skeleton / name)
    manifests = [m for folder in RUST_MEMBERS for m in root.glob(f"{folder}/*/Cargo.toml")]
    for manifest in sorted(manifests):
        crate = manifest.parent.relative_to(root)
        (skeleton / crate / "src").mkdir(parents=True)
        shutil.copy2(manifest, skeleton / crate / "Cargo.toml")
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
    _sync(root / "libs" / "rs", context / "libs")
    _sync(root / item.folder, context / "service")
    _settle(context)
    return context


_UNITS = {"B": 1e-6, "kB": 1e-3, "KB": 1e-3, "MB": 1.0, "GB": 1e3, "TB": 1e6}


def parse_size_mb(text: str) -> float:
    """buildah's human size ("167 MB", "53.2 MB", "1.2 GB": decimal units) in MB."""
    number, _, unit = text.strip().partition(" ")
    if unit not in _UNITS:
        raise BuildError(f"unexpected image size {text!r}")
    return round(float(number) * _UNITS[unit], 1)


def _size_mb(tag: str) -> float:
    listing = json.loads(_run(_buildah("images", "--json", tag), "buildah images"))
    return parse_size_mb(str(listing[0]["size"])) if listing else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def silent_port() -> Iterator[int]:
    """A 127.0.0.1 port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


def smoke_argv(item: Deployable, container: str, port: int, silent: int = 9) -> list[str]:
    """``buildah run`` of the image's entrypoint, as the manifest runs it, on 127.0.0.1:port."""
    env = {
        "EDU_ENVIRONMENT": "development",
        "EDU_BIND_ADDRESS": "127.0.0.1",
        **{key: value.replace("{silent}", str(silent)) for key, value in item.smoke_env},
    }
    if item.health_port_env:
        env[item.health_port_env] = str(port)
    argv = _buildah("run", "--isolation", "chroot")
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    entry = "/app/.venv/bin/python" if item.language == "python" else "/app/service"
    return [*argv, container, "--", entry, *(a.replace("{port}", str(port)) for a in item.command)]


def run_in_image(tag: str, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """One command in a fresh container of the image (as its user), bypassing the entrypoint."""
    container = _run(_buildah("from", tag), "buildah from").strip()
    try:
        return subprocess.run(
            [*_buildah("run", "--isolation", "chroot", container, "--"), *argv],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
    finally:
        subprocess.run(_buildah("rm", container), capture_output=True, check=False)


def migrations_smoke(item: Deployable, tag: str, folder: str) -> str:
    """``python -m edu.db heads /app/<folder>`` in the image: the migrations are there and load."""
    done = run_in_image(tag, ["/app/.venv/bin/python", "-m", "edu.db", "heads", f"/app/{folder}"])
    if done.returncode != 0:
        return f"{folder}: exited {done.returncode}: {_last_words(done.stdout + done.stderr)}"
    return f"{folder} at {done.stdout.strip()}"


def image_check(tag: str, what: str, argv: Sequence[str]) -> tuple[str, bool]:
    """One of ``Deployable.image_checks``: when it exits 0, the first words of its output
    (``ffmpeg version 5.1.x-0+deb12u1``) or ``what`` when it printed nothing; else how it
    failed."""
    done = run_in_image(tag, argv)
    if done.returncode != 0:
        return f"{what}: exited {done.returncode}: {_last_words(done.stdout + done.stderr)}", False
    lines = done.stdout.strip().splitlines()
    return (" ".join(lines[0].split()[:3]) if lines else what), True


def smoke(item: Deployable, tag: str, wait: float = 30.0) -> str:
    """Start the image's entrypoint and GET /health; a worker without HTTP must stay up."""
    has_http = "{port}" in item.command or item.health_port_env is not None
    port = _free_port()
    with silent_port() as silent:
        return _smoke(item, tag, port, silent, has_http, wait)


def _smoke(item: Deployable, tag: str, port: int, silent: int, has_http: bool, wait: float) -> str:
    container = _run(_buildah("from", tag), "buildah from").strip()
    process = subprocess.Popen(
        smoke_argv(item, container, port, silent),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    verdict = f"no answer in {wait:.0f} s"
    try:
        deadline = time.monotonic() + (wait if has_http else 10.0)
        while time.monotonic() < deadline and process.poll() is None:
            if not has_http:
                time.sleep(0.5)
                continue
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    verdict = f"GET /health {r.status}"
                    break
            except OSError:
                time.sleep(0.3)
        if not has_http and process.poll() is None:
            verdict = "no HTTP: still running after 10 s"
        if process.poll() is not None and not verdict.startswith("GET"):
            output = process.stdout.read() if process.stdout else ""
            verdict = f"exited {process.returncode}: {_last_words(output)}"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        subprocess.run(_buildah("rm", container), capture_output=True, check=False)
    return verdict


def _last_words(output: str) -> list[str]:
    """The entrypoint's last lines, without buildah's own ("Error: exit status 1", ...)."""
    own = ("Error: exit status", "subprocess exited")
    lines = [line for line in output.strip().splitlines() if not line.startswith(own)]
    return lines[-3:]


def smoke_passed(verdict: str) -> bool:
    return verdict.startswith(("GET /health 200", "no HTTP: still running"))


CARGO_TARGET = CACHE / "cargo-target"  # never ~/.cache/eduplatform/cargo-target (ADR 0021)


def _build_image(root: Path, tree: Path, item: Deployable, *, cold: bool, edit: bool) -> float:
    """Stage the context (``edit``: then change one line in it) and build it; the seconds
    include the staging."""
    started = time.monotonic()
    docker = root / "deploy" / "docker"
    if item.language == "python":
        context = stage_python(tree, item)
        extra = ["--build-arg", f"PACKAGE={item.package}"]
    else:
        context = stage_rust(tree, item)
        if cold and CARGO_TARGET.exists():
            shutil.rmtree(CARGO_TARGET)
        CARGO_TARGET.mkdir(parents=True, exist_ok=True)
        extra = [
            *("--build-arg", f"BIN={item.package}", "--build-arg", f"CRATE_DIR={item.folder}"),
            *("--volume", f"{rust_toolchain(root)}:/usr/local/rust:ro"),
            *("--volume", f"{CARGO_TARGET}:/build/target"),
        ]
        if item.runtime != "runtime":
            extra += ["--build-arg", f"RUNTIME_IMAGE={base_tag('rust', item.runtime)}"]
    if edit:
        edit_one_line(item)
    dockerfile = docker / f"{item.language}.Dockerfile"
    _build(dockerfile, context, image_tag(item), *extra, cold=cold)
    return time.monotonic() - started


def edit_one_line(item: Deployable) -> Path:
    """Append one line to the staged copy of ``item.edited`` (the repository is not touched)."""
    where = "src" if item.language == "python" else "service"
    relative = item.folder if item.language == "python" else ""
    edited = CACHE / "context" / item.name / where / relative / item.edited
    comment = "#" if item.language == "python" else "//"
    with edited.open("a") as handle:
        handle.write(f"{comment} incremental build measurement {time.time_ns()}\n")
    return edited


def image_tag(item: Deployable) -> str:
    return f"localhost/eduplatform/{item.name}:dev"


def build_one(
    root: Path, tree: Path, item: Deployable, *, with_smoke: bool, measure: bool
) -> Result:
    load = loadavg()
    seconds = _build_image(root, tree, item, cold=measure, edit=False)
    incremental = incremental_load = None
    if measure:  # as a developer's next `edu deploy build` after editing one line
        incremental_load = loadavg()
        incremental = round(_build_image(root, tree, item, cold=False, edit=True), 1)
    verdict, ok = smoke_checks(tree, item) if with_smoke else ("not run", True)
    return Result(
        item.name,
        round(seconds, 1),
        _size_mb(image_tag(item)),
        verdict,
        ok,
        load,
        incremental,
        incremental_load,
    )


def checkout(root: Path, source: str) -> Path:
    """The sources to build: the working tree as it is, or a commit (``git archive``) extracted
    under the cache: a build from HEAD is what CI builds, and others' unfinished edits (a
    manifest ahead of Cargo.lock) do not break it."""
    if source == "worktree":
        return root
    tree = CACHE / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", source],
        cwd=root,
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if archive.returncode != 0:
        raise BuildError(f"git archive {source} failed: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def choose(only: list[str]) -> list[Deployable]:
    unknown = set(only) - {d.name for d in DEPLOYABLES}
    if unknown:
        raise BuildError(f"unknown deployable(s): {', '.join(sorted(unknown))}")
    return [d for d in DEPLOYABLES if not only or d.name in only]


def build_all(
    root: Path, only: list[str], smoke: bool, *, measure: bool = False, source: str = "HEAD"
) -> list[Result]:
    chosen = choose(only)
    tree = checkout(root, source)
    ensure_bases(root, chosen)
    results = []
    for item in chosen:
        try:
            results.append(build_one(root, tree, item, with_smoke=smoke, measure=measure))
        except BuildError as exc:  # one failed image does not hide the others' figures
            results.append(Result(item.name, 0.0, 0.0, f"build failed: {exc}", False, loadavg()))
    return results


def push_all(registry: str, tag: str, only: list[str]) -> list[str]:
    """Push each built image as ``<registry>/<name>:<tag>``; an image not built is an error."""
    pushed = []
    for item in choose(only):
        if not _image_exists(image_tag(item)):
            raise BuildError(f"{item.name}: no image to push, build it first")
        reference = f"{registry.rstrip('/')}/{item.name}:{tag}"
        _run(
            _buildah("push", "--format", "docker", image_tag(item), f"docker://{reference}"),
            f"buildah push {reference}",
        )
        pushed.append(reference)
    return pushed


def smoke_checks(root: Path, item: Deployable) -> tuple[str, bool]:
    """GET /health (or a worker still running), then, for a service with migrations, that they
    are in the image and load; the verdicts joined, and whether both passed."""
    verdict = smoke(item, image_tag(item))
    ok = smoke_passed(verdict)
    folder = declared_migrations(root / item.folder) if item.language == "python" else None
    if ok and folder:
        migrations = migrations_smoke(item, image_tag(item), folder)
        ok = " at " in migrations and "exited" not in migrations
        verdict = f"{verdict}; {migrations}"
    for what, argv in item.image_checks if ok else ():
        said, passed = image_check(image_tag(item), what, argv)
        ok = ok and passed
        verdict = f"{verdict}; {said}"
    return verdict, ok


def smoke_all(root: Path, only: list[str]) -> list[Result]:
    results = []
    for item in choose(only):
        load = loadavg()
        if not _image_exists(image_tag(item)):
            results.append(Result(item.name, 0.0, 0.0, "no image: build it first", False, load))
            continue
        verdict, ok = smoke_checks(root, item)
        size = _size_mb(image_tag(item))
        results.append(Result(item.name, 0.0, size, verdict, ok, load))
    return results


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(results: list[Result]) -> str:
    head = f"{'deployable':<22} {'build s':>8} {'incr s':>7} {'size MB':>8}  {'load':<15} smoke"
    lines = [head]
    for r in results:
        lines.append(
            f"{r.name:<22} {r.seconds:>8.1f} {_figure(r.incremental_seconds):>7} "
            f"{r.size_mb:>8.1f}  {r.load:<15} {r.smoke.splitlines()[0]}"
        )
    return "\n".join(lines)


def markdown(results: list[Result]) -> str:
    lines = [
        "| deployable | cold s | load (cold) | incremental s | load (incr.) | size MB | smoke |",
        "|---|---:|---|---:|---|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.seconds:.1f} | {r.load} | {_figure(r.incremental_seconds)} | "
            f"{r.incremental_load or '-'} | {r.size_mb:.1f} | {r.smoke.splitlines()[0]} |"
        )
    return "\n".join(lines) + "\n"


def read_report(path: Path) -> list[Result]:
    """An earlier report's rows ([] when there is none or it cannot be read)."""
    try:
        return [Result(**row) for row in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError):
        return []


def merge(earlier: list[Result], latest: list[Result]) -> list[Result]:
    """Every deployable's latest row, in DEPLOYABLES' order."""
    rows = {r.name: r for r in earlier} | {r.name: r for r in latest}
    order = [d.name for d in DEPLOYABLES]
    return sorted(rows.values(), key=lambda r: order.index(r.name) if r.name in order else 99)


def to_json(results: list[Result]) -> str:
    return json.dumps([asdict(r) for r in results], indent=2)
