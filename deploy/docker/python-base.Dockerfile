# The one Python base, two targets (ADR 0021):
#   build    Debian's python3.11 + uv: where python.Dockerfile installs a member's venv
#   runtime  a distroless root: python3.11, its shared libraries, CA certificates, the DejaVu
#            fonts (certificate-generator's PDFs, ADR 0024), a non-root user and nothing else
#            (no shell, no apt, no pip)
# DEBIAN_IMAGE: a local image made by `edu deploy build` (debootstrap, no registry here);
# on a machine with a registry, debian:bookworm-slim does the same.
#   buildah build --target build   -t localhost/eduplatform/python-build:3.11   -f deploy/docker/python-base.Dockerfile deploy/docker
#   buildah build --target runtime -t localhost/eduplatform/python-runtime:3.11 -f deploy/docker/python-base.Dockerfile deploy/docker
ARG DEBIAN_IMAGE=localhost/eduplatform/debian:bookworm

FROM ${DEBIAN_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3.11 python3.11-venv ca-certificates binutils \
 && rm -rf /var/lib/apt/lists/*
# binutils: python.Dockerfile strips the wheels' extension modules (debug symbols: SQLAlchemy's
# 1.4 MB .so is 150 kB stripped).
# Where a TLS-inspecting proxy sits in front of PyPI, `edu deploy build` passes the machine's
# CA bundle for the downloads (never copied into an image).
ARG SSL_CERT_FILE
ARG PIP_CERT
# uv from PyPI, at the version the workspace is developed with.
RUN python3.11 -m venv /opt/uv \
 && /opt/uv/bin/pip install --no-cache-dir "uv==0.13.9" \
 && ln -s /opt/uv/bin/uv /usr/local/bin/uv
ENV UV_PYTHON=/usr/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

FROM build AS rootfs
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The runtime's packages, unpacked (not installed: no maintainer scripts, no dpkg database).
# Everything python3.11 and the services' wheels load: libc, libstdc++ (grpcio), OpenSSL, ...
# (No libmpdec3: bookworm's python3.11 carries its own decimal library; the RUN below fails on a
# package name apt does not know.)
ARG PACKAGES="libc6 libgcc-s1 libstdc++6 zlib1g libssl3 libffi8 libexpat1 libbz2-1.0 liblzma5 \
libsqlite3-0 libuuid1 libcrypt1 libtinfo6 libncursesw6 libreadline8 libdb5.3 \
libgdbm6 libnsl2 libtirpc3 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 \
libcom-err2 libkeyutils1 media-types tzdata python3.11-minimal libpython3.11-minimal \
libpython3.11-stdlib fonts-dejavu-core"
WORKDIR /tmp/debs
RUN apt-get update \
 && echo "${PACKAGES}" | xargs apt-get download \
 && mkdir -p /rootfs \
 && for deb in ./*.deb; do dpkg-deb -x "$deb" /rootfs; done \
 && rm -rf /var/lib/apt/lists/* ./*.deb \
 && rm -rf /rootfs/usr/share/doc /rootfs/usr/share/man /rootfs/usr/share/info \
           /rootfs/usr/share/locale /rootfs/usr/share/lintian /rootfs/usr/lib/x86_64-linux-gnu/gconv \
           /rootfs/usr/lib/python3.11/test /rootfs/usr/lib/python3.11/idlelib \
           /rootfs/usr/lib/python3.11/tkinter /rootfs/usr/lib/python3.11/turtledemo \
           /rootfs/usr/lib/python3.11/ensurepip /rootfs/usr/lib/python3.11/lib2to3 \
           /rootfs/usr/lib/python3.11/pydoc_data /rootfs/usr/bin/pydoc3.11 \
 && ln -sf python3.11 /rootfs/usr/bin/python3 \
 && mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp /rootfs/app \
 && chmod 1777 /rootfs/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/app:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' > /rootfs/etc/group \
 && python3.11 -m compileall -q -j 0 -s /rootfs -p / /rootfs/usr/lib/python3.11

FROM scratch AS runtime
COPY --from=rootfs /rootfs/ /
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
# Fails the build when a library the standard library loads is missing.
RUN ["/usr/bin/python3.11", "-c", "import ssl, sqlite3, ctypes, uuid, lzma, bz2, zlib, decimal, zoneinfo, readline; print('python runtime ok')"]
USER 65532:65532
WORKDIR /app
