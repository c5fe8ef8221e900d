# Every Rust deployable's image. The dependency layer is cached apart from the source layer
# (the cargo-chef pattern without the tool): `edu deploy build` stages
#   skeleton/  Cargo.toml, Cargo.lock, rust-toolchain.toml and every crate's manifest with
#              empty targets (src/lib.rs, src/main.rs, src/bin/*.rs stubs)
#   libs/      the real libs/rs sources
#   service/   the real services/rs/<BIN> sources
# so a change in one service's code rebuilds only that crate, and a change in libs/rs only
# the libraries and the service; dependencies are rebuilt when Cargo.lock or a manifest changes.
# `edu deploy build` also mounts a cargo target kept under ~/.cache/eduplatform/deploy/
# (never the checkout's shared one) at /build/target, so a re-run layer finds the compiled
# dependencies; without the mount (a machine with a registry) the layers alone cache them.
ARG BUILD_IMAGE=localhost/eduplatform/rust-build:1.95
ARG RUNTIME_IMAGE=localhost/eduplatform/rust-runtime:bookworm

FROM ${BUILD_IMAGE} AS binary
ARG BIN
ARG CRATE_DIR
# The machine's CA bundle where a TLS-inspecting proxy is in front of crates.io.
ARG CARGO_HTTP_CAINFO
WORKDIR /build
ENV CARGO_TARGET_DIR=/build/target CARGO_NET_OFFLINE=false
COPY skeleton/ /build/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo build --release --locked -p "${BIN}" --bin "${BIN}"
COPY libs/ /build/libs/rs/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    find libs/rs -name '*.rs' -exec touch {} + \
 && cargo build --release --locked -p "${BIN}" --bin "${BIN}"
COPY service/ /build/${CRATE_DIR}/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    find "${CRATE_DIR}" -name '*.rs' -exec touch {} + \
 && cargo build --release --locked -p "${BIN}" --bin "${BIN}" \
 && install -D -m 0755 "target/release/${BIN}" /out/service

FROM ${RUNTIME_IMAGE}
ARG BIN
LABEL org.opencontainers.image.title="${BIN}" \
      org.opencontainers.image.source="eduplatform"
COPY --from=binary /out/service /app/service
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["/app/service"]
