"""The course process's gRPC server, started and stopped with the app (ADR 0006).

It serves ``edu.course.v1.CourseService`` and the standard gRPC health service on
``EDU_BIND_ADDRESS`` (127.0.0.1 unless set; 0.0.0.0 in a pod). Health says SERVING while the
server runs and NOT_SERVING from the moment shutdown begins, so a health-checking caller stops
sending before in-flight calls get ``grace`` seconds to finish.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from edu.common.settings import StartupError
from edu.proto_gen.course.v1 import course_service_pb2
from edu.proto_gen.course.v1.course_service_pb2_grpc import (
    CourseServiceServicer,
    add_CourseServiceServicer_to_server,
)

logger = logging.getLogger("edu.course.grpc")

SERVICE_NAME = course_service_pb2.DESCRIPTOR.services_by_name["CourseService"].full_name
LOOPBACK = "127.0.0.1"


@contextlib.asynccontextmanager
async def serving_grpc(
    servicer: CourseServiceServicer, port: int, *, host: str = LOOPBACK, grace: float = 2.0
) -> AsyncIterator[int]:
    """Serve on ``host`` until the block ends; yields the bound port (``port`` 0 picks a free
    one)."""
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"  # IPv6 in brackets
    server = grpc.aio.server()
    add_CourseServiceServicer_to_server(servicer, server)
    checks = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(checks, server)
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as exc:  # grpc says "Failed to bind": name the settings to change
        raise StartupError(
            f"cannot serve gRPC on {address} ({exc}); set EDU_GRPC_PORT or EDU_BIND_ADDRESS"
        ) from None
    await server.start()
    for service in (SERVICE_NAME, ""):  # "" is the server as a whole
        await checks.set(service, health_pb2.HealthCheckResponse.SERVING)
    logger.info("gRPC %s serving on %s:%d", SERVICE_NAME, host, bound)
    try:
        yield bound
    finally:
        await checks.enter_graceful_shutdown()
        await server.stop(grace)
