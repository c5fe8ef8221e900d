# The one Rust base, two targets (ADR 0021):
#   build    Debian + a C linker. The Rust toolchain is the machine's own 1.95 (rustup's
#            toolchain folder, bind-mounted read-only at /usr/local/rust by `edu deploy
#            build`: no toolchain download works here). On a machine with a registry,
#            rust:1.95-slim-bookworm as BUILD_IMAGE has cargo on PATH and needs no mount.
#   runtime  distroless: glibc, libgcc, CA certificates, a non-root user; no shell.
ARG DEBIAN_IMAGE=localhost/eduplatform/debian:bookworm

FROM ${DEBIAN_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/rust/bin:/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

FROM build AS rootfs
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /tmp/debs
RUN apt-get update \
 && apt-get download libc6 libgcc-s1 \
 && mkdir -p /rootfs \
 && for deb in ./*.deb; do dpkg-deb -x "$deb" /rootfs; done \
 && rm -rf /var/lib/apt/lists/* ./*.deb \
 && rm -rf /rootfs/usr/share /rootfs/usr/lib/x86_64-linux-gnu/gconv /rootfs/usr/bin \
           /rootfs/usr/sbin /rootfs/sbin \
 && mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp /rootfs/app \
 && chmod 1777 /rootfs/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/app:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' > /rootfs/etc/group

FROM scratch AS runtime
COPY --from=rootfs /rootfs/ /
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /app
