"""Rust code generation from ``proto/`` into ``libs/rs/proto-gen`` (``edu proto gen``), ADR 0014.

The same protoc that writes the Python side (grpcio-tools, pinned in uv.lock) turns proto/ into
a ``FileDescriptorSet``; the workspace's own generator (libs/rs/proto-codegen: prost + tonic,
pinned in Cargo.lock) writes one ``.rs`` file per proto package and a ``mod.rs`` from it. The
output is committed with a ``MANIFEST``: a digest of everything the output depends on (the .proto
files, the generator's source, the generator crates' versions in Cargo.lock) and a digest of every
generated file. ``edu proto check`` compares both without compiling anything, so a .proto change
that was not regenerated and a hand edit of a generated file both fail in well under a second.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from edu.cli.proto_codegen import PROTO_ROOT, CodegenError, proto_files

RUST_GENERATED = Path("libs/rs/proto-gen/src/generated")
MANIFEST_NAME = "MANIFEST"
GENERATOR_SOURCE = Path("libs/rs/proto-codegen/src/main.rs")
# The crates whose versions shape the generated text.
GENERATOR_CRATES = ("prost", "prost-build", "tonic-build", "tonic-prost-build")
_MANIFEST_HEADER = (
    "# Written by `edu proto gen` (just proto): what the generated Rust was made from and what\n"
    "# it is. `edu proto check` compares both; never edit by hand.\n"
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generator_versions(root: Path) -> list[str]:
    """``name version`` of every generator crate in Cargo.lock (sorted)."""
    lock = tomllib.loads((root / "Cargo.lock").read_text())
    return sorted(
        f"{package['name']} {package['version']}"
        for package in lock.get("package", [])
        if package["name"] in GENERATOR_CRATES
    )


def input_digest(root: Path) -> str:
    """One digest of everything the generated Rust depends on."""
    digest = hashlib.sha256()
    for name in proto_files(root / PROTO_ROOT):
        digest.update(f"proto {name}\0".encode())
        digest.update((root / PROTO_ROOT / name).read_bytes())
    digest.update(b"generator\0")
    digest.update((root / GENERATOR_SOURCE).read_bytes())
    for line in generator_versions(root):
        digest.update(f"crate {line}\0".encode())
    return digest.hexdigest()


def generated_files(out: Path) -> dict[str, bytes]:
    if not out.is_dir():
        return {}
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


def render_manifest(inputs: str, files: dict[str, bytes]) -> str:
    lines = [f"inputs {inputs}", *(f"file {name} {_sha256(data)}" for name, data in files.items())]
    return _MANIFEST_HEADER + "\n".join(lines) + "\n"


def read_manifest(text: str) -> tuple[str | None, dict[str, str]]:
    inputs: str | None = None
    files: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if line.startswith("#") or not parts:
            continue
        if parts[0] == "inputs" and len(parts) == 2:
            inputs = parts[1]
        elif parts[0] == "file" and len(parts) == 3:
            files[parts[1]] = parts[2]
    return inputs, files


def stale_rust_files(root: Path) -> list[str]:
    """What differs between the committed generated Rust and its manifest (empty when fresh)."""
    out = root / RUST_GENERATED
    manifest = out / MANIFEST_NAME
    if not manifest.is_file():
        return [f"missing: {RUST_GENERATED / MANIFEST_NAME}"]
    inputs, recorded = read_manifest(manifest.read_text())
    problems = []
    if inputs != input_digest(root):
        problems.append(
            "out of date: proto/, the generator or its crate versions changed since "
            f"{RUST_GENERATED} was generated"
        )
    present = {name: _sha256(data) for name, data in generated_files(out).items()}
    problems += [f"missing: {name}" for name in sorted(recorded.keys() - present.keys())]
    problems += [f"not generated: {name}" for name in sorted(present.keys() - recorded.keys())]
    problems += [
        f"edited by hand: {name}"
        for name in sorted(recorded.keys() & present.keys())
        if recorded[name] != present[name]
    ]
    return problems


def _descriptor_set(root: Path, target: Path) -> None:
    files = proto_files(root / PROTO_ROOT)
    argv = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{root / PROTO_ROOT}",
        "--include_imports",
        "--include_source_info",
        f"--descriptor_set_out={target}",
        *files,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=root)
    if done.returncode != 0:
        raise CodegenError(f"protoc failed:\n{done.stdout}{done.stderr}".strip())


def _run_generator(root: Path, descriptor_set: Path, out: Path) -> None:
    argv = [
        "cargo",
        "run",
        "--quiet",
        "--locked",
        "--package",
        "edu-proto-codegen",
        "--",
        str(descriptor_set),
        str(out),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, check=False, cwd=root, env=dict(os.environ)
    )
    if done.returncode != 0:
        raise CodegenError(f"edu-proto-codegen failed:\n{done.stdout}{done.stderr}".strip())


def write_generated_rust(root: Path) -> int:
    """Regenerate libs/rs/proto-gen/src/generated and its manifest; return the file count."""
    with tempfile.TemporaryDirectory(prefix="edu-proto-rust-") as scratch:
        descriptor_set = Path(scratch) / "proto.binpb"
        fresh = Path(scratch) / "generated"
        _descriptor_set(root, descriptor_set)
        _run_generator(root, descriptor_set, fresh)
        out = root / RUST_GENERATED
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(fresh, out)
    files = generated_files(out)
    (out / MANIFEST_NAME).write_text(render_manifest(input_digest(root), files))
    return len(files)
