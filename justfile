# eduplatform task runner. `just --list` is the menu; every recipe runs through the `edu` CLI
# and the layer registry (layers.toml), so budgets and results are the same here and in CI.

set shell := ["bash", "-euo", "pipefail", "-c"]

run := "uv run --all-packages --locked --quiet"

# Show this menu
default:
    @just --list --unsorted

# Install the workspace (every member and the dev tools) into .venv from uv.lock, with bytecode compiled
setup:
    uv sync --all-packages --locked --compile-bytecode
    {{run}} edu compile
    {{run}} edu doctor

# Write every module's bytecode (after pulling many changes where PYTHONDONTWRITEBYTECODE is set)
compile:
    {{run}} edu compile

# Check this machine: Python, uv, just and the infrastructure backends
doctor:
    {{run}} edu doctor

# Run the pull-request set: every layer triggered by `pr`, with the time table at the end
test *ARGS:
    {{run}} edu test --trigger pr {{ARGS}}

# The full run: every layer that fits on one machine (gates, unit, integration, contract, fuzz, E2E, load smoke, chaos), as .ci/run does
test-all:
    {{run}} edu test --full

# Unit tests only (budget 30 s); extra pytest arguments pass through, e.g. `just test-unit -k clock`
test-unit *ARGS:
    {{run}} edu test unit -- {{ARGS}}

# Run any registered layer by name, e.g. `just layer typecheck`
layer NAME *ARGS:
    {{run}} edu test {{NAME}} -- {{ARGS}}

# List every registered layer with its budget and triggers
layers:
    {{run}} edu test --list

# Lint and format-check (ruff), as a budgeted layer
lint:
    {{run}} edu test lint

# Fix what ruff can fix and format every file (Python with ruff, Rust with rustfmt)
fmt:
    {{run}} edu gate lint --fix
    {{run}} edu gate rust-lint --fix

# mypy --strict over every workspace member, as a budgeted layer
typecheck:
    {{run}} edu test typecheck

# All static gates: lint, typecheck, architecture contracts, declared dependencies, rustfmt + clippy
gates:
    {{run}} edu test lint typecheck architecture deps rust-lint

# rustfmt --check and clippy -D warnings (pedantic) over the Cargo workspace, as a budgeted layer
rust-lint:
    {{run}} edu test rust-lint

# The Rust tests: unit (no network) and integration (real PostgreSQL/NATS/Redis, embedded); `cargo test` args pass through
test-rust *ARGS:
    {{run}} edu test rust-unit rust-integration -- {{ARGS}}

# Install the git pre-commit hooks (local hooks only: ruff, ruff-format, mypy, hygiene)
hooks:
    {{run}} pre-commit install

# Regenerate the Python and Rust protobuf code (libs/py/proto-gen, libs/rs/proto-gen) from proto/; `edu proto check` gates it
proto:
    {{run}} edu proto gen

# Export every service's OpenAPI spec to contracts/openapi/<service>.json; `edu openapi check` gates them
openapi:
    {{run}} edu openapi export

# Integration tests against real PostgreSQL, NATS and Redis (budget 120 s); pytest args pass through
test-integration *ARGS:
    {{run}} edu test integration -- {{ARGS}}

# Start PostgreSQL, NATS (JetStream), Redis and the SMTP sink on the dev ports (external, Docker or embedded)
env-up:
    {{run}} edu env up

# Stop exactly what `just env-up` started
env-down:
    {{run}} edu env down

# Each infrastructure component: its backend, its URL and whether it answers
env-status:
    {{run}} edu env status

# Infrastructure, migrations, every declared service with hot reload, then every worker; Ctrl-C stops it all
dev:
    {{run}} edu dev

# Mail the dev SMTP sink received, then any the worker could not deliver and why (`just mail show <id>` for one); e.g. `just mail --to ada@example.org`, `just mail --undelivered`
mail *ARGS:
    {{run}} edu mail {{ARGS}}

# Which members, test folders and layers the change since main needs, e.g. `just affected --base origin/main --json`
affected *ARGS:
    {{run}} edu affected {{ARGS}}

# Run only what the change since main needs (budgets apply); e.g. `just test-affected --layer unit -- --splits 2 --group 1`
test-affected *ARGS:
    {{run}} edu affected --run {{ARGS}}

# Run every layer of one pipeline trigger (pr, nightly, weekly, monthly) whole, as CI does; --kind/--layer/--exclude filter
test-pipeline TRIGGER *ARGS:
    {{run}} edu affected --run --all --trigger {{TRIGGER}} {{ARGS}}

# Hunt flaky tests: the unit layer 5 times in random order with -n 0/2 (`--runs 10`, `--integration`, `-- <path>`); flips go to .edu/results/history.jsonl
flake-hunt *ARGS:
    {{run}} edu flake-hunt {{ARGS}}

# Mutation testing of every domain and service_layer package against its unit tests, gated on tests/mutation-floor.toml (ADR 0020; `just mutation -p course`, `--changed-since base`)
mutation *ARGS:
    {{run}} edu mutation {{ARGS}}

# Deploy gates: Dockerfiles (hadolint + our rules), rendered Kubernetes manifests (schemas + policy), Terraform structure (ADR 0021)
deploy-check:
    {{run}} edu test deploy

# Replay the planted faults of tests/selection-audit/faults.toml against `edu affected` in a worktree (~1 min a fault); exit 1 on a miss
selection-audit *ARGS:
    {{run}} edu selection-audit {{ARGS}}

# Check tests/quarantine.toml (expiry, owners from CODEOWNERS) and list each quarantined test's flip rate
quarantine:
    {{run}} edu quarantine

# Refresh .test_durations (per-test times pytest-split shards CI runners by) from a unit and an integration run; a layer over budget still records
test-durations:
    -{{run}} edu test unit -- --store-durations --clean-durations
    -{{run}} edu test integration -- --store-durations

# Check the CI workflows: GitHub's schema, the zizmor audit, agreement with layers.toml
workflows:
    {{run}} edu test workflows

# Merge CI jobs' downloaded results folders into .edu/results and build the test-health report
ci-report *FOLDERS:
    {{run}} edu ci merge-results .edu/results {{FOLDERS}}
    {{run}} edu report

# Playwright E2E (Debian's Chromium) against the whole stack on free ports (budget 300 s); `just test-e2e --headed --slowmo 300` to watch
test-e2e *ARGS:
    {{run}} edu test e2e -- {{ARGS}}

# API fuzzing (schemathesis) against every service on free ports, fixed seed (budget 120 s); failures leave REPRODUCE.md in .edu/results/fuzz/
test-fuzz *ARGS:
    {{run}} edu test fuzz -- {{ARGS}}

# The nightly fuzzing profile: a random seed (replay with EDU_FUZZ_SEED=<seed> just test-fuzz-nightly), more examples, longer sequences
test-fuzz-nightly *ARGS:
    {{run}} edu test fuzz-nightly -- {{ARGS}}

# Seed the dev databases through the services' use cases (S default, M, L: 10,000 students); idempotent
seed SIZE="S":
    {{run}} edu seed {{SIZE}}

# Chaos experiments (chaostoolkit, <= 300 s) against a stack on free ports under background load; `just test-chaos -k nats` for one; journals in .edu/results/chaos
test-chaos *ARGS:
    {{run}} edu test chaos -- {{ARGS}}

# The monthly staging run: the Kubernetes variants (chaos/k8s) against staging, each journal judged; needs EDU_STAGING_* (chaos/k8s/README.md)
chaos-staging *EXPERIMENTS:
    {{run}} python -m edu.chaos.staging {{EXPERIMENTS}}

# Load smoke, the `load` layer (<= 90 s): platform on free ports, seed S, Locust, SLOs of load/slo.toml
test-load:
    {{run}} edu test load

# Weekly load, the `load-weekly` layer: ramp, step (the knee), soak, distributed Locust, twin benchmark
load-weekly:
    {{run}} edu test load-weekly

# Ingestion throughput at batch 1/100/1,000: event-ingestion (release) and its Python twin side by side in one run (services/rs/event-ingestion/bench/README.md)
ingest-bench *ARGS:
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/eduplatform/cargo-target}" cargo run --release --locked -p event-ingestion --bin ingest-bench -- {{ARGS}}

# The api-gateway's cost, direct vs through it on one stack (report only), e.g. `just load-gateway --profile release`
load-gateway *args:
    {{run}} edu load gateway {{args}}

# 500 concurrent paid checkouts through the gateway, 10 % duplicate submissions: 0 double charges, ledger balanced, one enrolment each (issue 22); results in .edu/results/load/checkout
load-checkout *ARGS:
    {{run}} edu load checkout {{ARGS}}

# Course Q&A at scale (issue 24): 2,000 WebSockets held while 2 posters post, delivery and fan-out p50/p95/p99 judged by load/slo.toml; results in .edu/results/load/qa
load-qa *ARGS:
    {{run}} edu load run qa {{ARGS}}

# Search relevance (issue 23): the judged queries against the course service's full-text search on a stack seeded M, nDCG@10 and MRR in .edu/results/search-quality; `--gate` fails below the baseline, `--backend http:<url>` for a search endpoint
search-quality *ARGS:
    {{run}} edu search-quality {{ARGS}}

# Search relevance of the Rust search service (issue 23): the judged queries against search on a stack seeded M (what the nightly search-quality-search layer runs); fails below baselines/search.json
search-quality-search:
    {{run}} edu search-quality --backend search --gate

# Search speed (issue 23): queries/s and p50/p95/p99 of PostgreSQL full-text vs the search service side by side on a stack seeded L, then publish -> searchable freshness under load; .edu/results/search-bench/bench.md
search-bench *ARGS:
    {{run}} edu search-bench {{ARGS}}

# Certificates per second (issue 25): the worker's renderer and fonts, 200 PDFs in one process (Latin, Greek, Cyrillic, a long name), median/p95 ms per PDF; each must be a whole PDF
pdf-bench *ARGS:
    {{run}} python -m edu.certificate_generator.bench {{ARGS}}

# Transcode seconds per media minute (issue 25): the transcoder's own media adapter on a clip ffmpeg generates, release build; ARGS: [seconds] [WxH] [lavfi source], default 60 1280x720 testsrc2
transcode-bench *ARGS:
    cargo run --release --locked -q -p video-transcoder --bin transcode-bench -- {{ARGS}}

# Benchmark the build tools on this repo, just + edu affected vs Turborepo, Nx and moon (issue 27, ADR 0023): ~45 min on 2 cores, results in .edu/results/buildbench/
buildbench *ARGS:
    {{run}} python -m edu.buildbench run {{ARGS}}

# Pact contracts, the `contract` layer (budget 60 s): consumer pacts vs contracts/pacts/, then every provider verified
test-contract *ARGS:
    {{run}} edu test contract -- {{ARGS}}

# Rewrite contracts/pacts/ from the consumer tests, Python's and the Rust ones' (gateway, search, feed-builder, messaging, video-processor, video-transcoder; review the diff; the providers must still verify)
pacts:
    {{run}} pytest contracts/tests/consumer --update-pacts -q
    EDU_UPDATE_PACTS=1 cargo test --locked -p api-gateway --test identity_pact
    EDU_UPDATE_PACTS=1 {{run}} python -m edu.cli.cargo_tests --junit .edu/results/pacts/junit.xml --layer pacts --needs redis,postgres -- --locked -p search -p feed-builder -p messaging -p video-processor -p video-transcoder --test event_pacts
