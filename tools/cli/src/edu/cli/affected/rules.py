"""What one changed path means: a full run, a member's code, or only a member's tests.

Paths inside a member belong to it. Paths outside members follow the repository's
conventions: generated protobuf code is built from ``proto/``, a pact names its consumer and
provider, an exported OpenAPI spec has a service and the web front end as its client, a stored
document's example (``contracts/feeds``) has its writer and its reader, and a service's
migrations live under ``migrations/<service>/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from edu.cli.affected.graph import RUST, DependencyGraph, MemberNode

# A change here can alter how every test runs: the lockfile, the root configuration, the
# registry and recipe book, the pytest plugin and the CI definitions themselves.
FULL_SUITE_FILES = ("uv.lock", "pyproject.toml", "layers.toml", "justfile")
FULL_SUITE_FOLDERS = ("libs/py/testing", ".ci", ".github/workflows", ".github/actions")

# The Cargo workspace's own configuration: every crate builds differently, no Python does.
RUST_WORKSPACE_FILES = (
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    "rustfmt.toml",
    "clippy.toml",
)

PROTO_FOLDER = "proto"
# Generated from proto/: the Python package and the Rust crate (and, through them, their users).
GENERATED_PROTO_MEMBERS = ("libs/py/proto-gen", "libs/rs/proto-gen")
PACTS_FOLDER = "contracts/pacts"
OPENAPI_FOLDER = "contracts/openapi"
# The members calling the services' public HTTP APIs, whose tests a spec change can break
# (the gateway composes the specs into one document and its tests compose the committed ones).
OPENAPI_CLIENTS = ("services/py/web", "services/rs/api-gateway")
# A document one member writes into a store and another reads (issue 23: the feed-builder
# worker's feed in Redis, read by web): both test against the committed example.
STORE_DOCUMENTS = {"contracts/feeds": ("workers/rs/feed-builder", "services/py/web")}
MIGRATIONS_FOLDER = "migrations"
# chaostoolkit experiments: data the chaos member's suite runs (its actions live in the member).
CHAOS_EXPERIMENTS_FOLDER = "chaos"
CHAOS_MEMBER = "tools/chaos"


@dataclass(frozen=True)
class Effect:
    kind: str  # full | code | tests
    member: str | None
    reason: str


def effects_of(path: str, graph: DependencyGraph) -> list[Effect]:
    """Every effect of one changed file (none for docs and other unowned files)."""
    if path in FULL_SUITE_FILES or _under(path, FULL_SUITE_FOLDERS):
        return [Effect("full", None, f"{path} changes how every suite runs")]
    if path in RUST_WORKSPACE_FILES:
        return [
            Effect("code", node.name, f"{path} changes how every crate builds")
            for node in graph.of_language(RUST)
        ]
    owner = graph.owner_of(path)
    if owner is not None:
        tests_only = path.startswith(owner.path + "/tests/")
        return [Effect("tests" if tests_only else "code", owner.name, f"{path} changed")]
    if _under(path, (PROTO_FOLDER,)):
        generated = [graph.by_path(folder) for folder in GENERATED_PROTO_MEMBERS]
        return [Effect("code", g.name, f"generated from {path}") for g in generated if g]
    if _under(path, (PACTS_FOLDER,)) and path.endswith(".json"):
        return _pact_effects(path, graph)
    if _under(path, (OPENAPI_FOLDER,)) and path.endswith(".json"):
        return _openapi_effects(path, graph)
    for folder, members in STORE_DOCUMENTS.items():
        if _under(path, (folder,)):
            found = [m for m in map(graph.by_path, members) if m is not None]
            return [Effect("tests", m.name, f"it writes or reads {path}") for m in found]
    if _under(path, (CHAOS_EXPERIMENTS_FOLDER,)):
        chaos = graph.by_path(CHAOS_MEMBER)
        return [Effect("tests", chaos.name, f"its experiment {path} changed")] if chaos else []
    if _under(path, (MIGRATIONS_FOLDER,)):
        return _migration_effects(path, graph)
    return []


def _migration_effects(path: str, graph: DependencyGraph) -> list[Effect]:
    """``migrations/<db>/...``: the service named like the database, every member declaring the
    folder or its database (the code that runs on that schema: analytics-api declares
    migrations/analytics, the aggregator writes the analytics database) and every member whose
    tests migrate a database from it (as tests). A folder no member is known to use runs
    everything rather than nothing."""
    parts = path.split("/")
    if len(parts) < 3:
        return []
    folder = "/".join(parts[:2])
    effects: dict[str, Effect] = {}
    service = graph.by_folder_name(parts[1])
    if service is not None:
        effects[service.name] = Effect("code", service.name, f"its migration {path} changed")
    for name, kind in graph.readers_of(folder):
        if name not in effects:
            effects[name] = Effect(kind, name, f"it uses {folder}, where {path} changed")
    if not effects:
        return [Effect("full", None, f"{path}: no member is known to use {folder}")]
    return list(effects.values())


def _pact_effects(path: str, graph: DependencyGraph) -> list[Effect]:
    """``<consumer>-<provider>.json``; names may hold hyphens, so try every split point."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".json")
    pieces = stem.split("-")
    for cut in range(1, len(pieces)):
        consumer = graph.by_folder_name("-".join(pieces[:cut]))
        provider = graph.by_folder_name("-".join(pieces[cut:]))
        if consumer and provider:
            return [
                Effect("tests", consumer.name, f"its pact {path} (consumer) changed"),
                Effect("tests", provider.name, f"its pact {path} (provider) changed"),
            ]
    return [Effect("full", None, f"{path}: no <consumer>-<provider> members match its name")]


def _openapi_effects(path: str, graph: DependencyGraph) -> list[Effect]:
    service = graph.by_folder_name(path.rsplit("/", 1)[-1].removesuffix(".json"))
    clients: list[MemberNode] = [c for c in map(graph.by_path, OPENAPI_CLIENTS) if c is not None]
    effects = [Effect("tests", service.name, f"its OpenAPI spec {path} changed")] if service else []
    effects += [
        Effect("tests", client.name, f"it calls the API of {path}")
        for client in clients
        if service is None or client.name != service.name
    ]
    return effects


def _under(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder + "/") for folder in folders)
