"""Public verification of certificates by their code."""

from __future__ import annotations

from edu.common.problems import NotFound
from edu.enrollment.domain.certificate import Certificate
from edu.enrollment.service_layer.ports import UnitOfWorkFactory


class CertificateVerification:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def verify(self, code: str) -> Certificate:
        """The certificate with this verification code; NotFound for any other code."""
        async with self._uow() as uow:
            certificate = await uow.enrollments.certificate_by_code(code)
        if certificate is None:
            raise NotFound("No certificate has this verification code.")
        return certificate
