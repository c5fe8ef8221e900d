"""The runtime floors in pyproject.toml keep up with the generator that wrote the code.

Generated modules refuse to import on a protobuf or grpcio older than their generator; when
uv.lock moves grpcio-tools forward, `just proto` regenerates and this test asks for the floors
to follow, so a service installed on its own never gets a runtime the code rejects.
"""

import re
import tomllib
from pathlib import Path

MEMBER = Path(__file__).parents[2]
GENERATED = MEMBER / "src" / "edu" / "proto_gen"


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def declared_floor(distribution: str) -> tuple[int, ...]:
    project = tomllib.loads((MEMBER / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        match = re.fullmatch(rf"{distribution}>=([\d.]+)(?:,<[\d.]+)?", requirement)
        if match:
            return version(match.group(1))
    raise AssertionError(f"{distribution} has no >= floor in pyproject.toml")


def generator_versions(pattern: str, glob: str) -> set[tuple[int, ...]]:
    found = {
        version(match.group(1))
        for path in GENERATED.rglob(glob)
        if (match := re.search(pattern, path.read_text()))
    }
    assert found, f"no generated file matched {glob}: run `just proto`"
    return found


def test_protobuf_floor_is_at_least_the_generator_version() -> None:
    used = generator_versions(r"# Protobuf Python Version: ([\d.]+)", "*_pb2.py")
    assert max(used) <= declared_floor("protobuf")


def test_grpcio_floor_is_at_least_the_generator_version() -> None:
    used = generator_versions(r"GRPC_GENERATED_VERSION = '([\d.]+)'", "*_pb2_grpc.py")
    assert max(used) <= declared_floor("grpcio")
