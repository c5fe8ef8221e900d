# The one Rust base, two targets (ADR 0021):
#   build    Debian + a C linker. The Rust toolchain is the machine's own 1.95 (rustup's
#            toolchain folder, bind-mounted read-only at /usr/local/rust by `edu deploy
#            build`: no toolchain download works here). On a machine with a registry,
#            rust:1.95-slim-bookworm as BUILD_IMAGE has cargo on PATH and needs no mount.
#   runtime  distroless: glibc, libgcc, CA certificates, a non-root user; no shell.
#   runtime-ffmpeg  for a deployable that runs Debian's ffmpeg/ffprobe (video-transcoder): a
#            bookworm-slim-style root (the same debootstrapped minbase) with the ffmpeg package
#            and its libraries, CA certificates, the non-root user 65532; no toolchain. Not
#            distroless: ffmpeg's libraries (libavcodec59 & co., ~100 packages) come with apt's
#            dependency resolution, and the base's own bash/coreutils stay, as in bookworm-slim.
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

FROM ${DEBIAN_IMAGE} AS runtime-ffmpeg
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive
# ffmpeg (with ffprobe) as Debian packages it, no recommends; apt's downloads and lists,
# documentation and locales dropped as bookworm-slim drops them. Purged too, dependencies
# forced: Mesa's DRI drivers and the LLVM and Z3 they link (~160 MB of the image): ffmpeg
# loads them only to render through OpenGL/Vulkan (SDL output, GPU filters), never to decode,
# scale and encode with libx264 as the transcoder does. `ffmpeg -version` fails the build when a
# library ffmpeg links is missing (the smoke also encodes a second of test video). The user is
# the distroless runtimes' 65532, with no login shell.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && dpkg --purge --force-depends libgl1-mesa-dri libllvm15 libz3-4 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old \
           /usr/share/doc /usr/share/man /usr/share/info /usr/share/locale /usr/share/lintian \
 && groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin nonroot \
 && mkdir -p /app \
 && chown 65532:65532 /app \
 && ffmpeg -hide_banner -version > /dev/null \
 && ffprobe -hide_banner -version > /dev/null
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /app
