# Every Python deployable's image: only PACKAGE and its workspace dependencies, installed into
# /app/.venv with bytecode compiled, on the distroless runtime of python-base.Dockerfile.
# The context is the one `edu deploy build` stages (never the repository itself):
#   lock/  uv.lock and every member's pyproject.toml (what resolving the workspace needs)
#   src/   the member and its workspace dependencies (pyproject.toml + src/), tests left out,
#          and migrations/<database> when the member is a service with a database
# so the dependency layer is rebuilt only when uv.lock or a pyproject.toml changes.
ARG BUILD_IMAGE=localhost/eduplatform/python-build:3.11
ARG RUNTIME_IMAGE=localhost/eduplatform/python-runtime:3.11

FROM ${BUILD_IMAGE} AS venv
ARG PACKAGE
# The machine's CA bundle where a TLS-inspecting proxy is in front of PyPI (edu deploy build).
ARG SSL_CERT_FILE
WORKDIR /src
COPY lock/ /src/
# Third-party dependencies only: the slow layer, kept while the lock is unchanged. Many wheels
# ship their extension modules with debug symbols (SQLAlchemy, asyncpg, grpcio): stripped, the
# image is ~40 % smaller; uv does not reinstall them (it trusts the installed metadata).
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${PACKAGE}" --no-install-workspace \
 && find /app/.venv -name '*.so' -exec strip --strip-unneeded {} +
COPY src/ /src/
# The member and its workspace libraries, as wheels (not editable): /src is not in the image.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${PACKAGE}" --no-editable

FROM ${RUNTIME_IMAGE}
ARG PACKAGE
LABEL org.opencontainers.image.title="${PACKAGE}" \
      org.opencontainers.image.source="eduplatform"
COPY --from=venv /app/.venv /app/.venv
# A service's own migrations (empty for a worker): its pods run
# `python -m edu.db upgrade /app/migrations/<database>` first (deploy/k8s).
COPY --from=venv /src/migrations /app/migrations
ENV PATH=/app/.venv/bin:/usr/bin \
    EDU_ENVIRONMENT=production \
    EDU_LOG_FORMAT=json
USER 65532:65532
WORKDIR /app
# The command is the deployable's (deploy/k8s/base/<name>/deployment.yaml): uvicorn for a
# service, python -m for a worker.
ENTRYPOINT ["/app/.venv/bin/python"]
