"""Python -> Rust over gRPC: the generated Python stub of ``edu.payments.v1.PaymentsService``
(libs/py/proto-gen) against the stack's payment-engine (its tonic server, built from this
checkout) — the same .proto on both sides, the call as another service would make it (ADR 0022
decision 11). The proto breaking gate guards the schema; this proves the two runtimes agree on
the wire: the request's fields arrive, the answer decodes, the statuses map as documented."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from edu.proto_gen.payments.v1 import payments_service_pb2 as pb
from edu.proto_gen.payments.v1.payments_service_pb2_grpc import PaymentsServiceStub


@pytest.fixture
def payments(platform: Any) -> Iterator[PaymentsServiceStub]:
    with grpc.insecure_channel(platform.grpc_targets["payment-engine"]) as channel:
        yield PaymentsServiceStub(channel)


def _request(key: str, student: str, course: str, amount: int = 4900) -> pb.CreatePaymentRequest:
    return pb.CreatePaymentRequest(
        idempotency_key=key,
        student_id=student,
        course_id=course,
        amount=pb.Money(currency_code="EUR", amount_minor=amount),
    )


class TestPaymentsServiceOverGrpc:
    def test_a_payment_made_from_python_is_read_back_and_replayed_by_its_key(
        self, payments: PaymentsServiceStub
    ) -> None:
        student, course, key = str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4().hex
        made, call = payments.CreatePayment.with_call(_request(key, student, course), timeout=10)
        payment = made.payment
        assert (payment.student_id, payment.course_id) == (student, course)
        assert (payment.amount.currency_code, payment.amount.amount_minor) == ("EUR", 4900)
        assert payment.status == pb.PAYMENT_STATUS_PENDING  # no card: the provider confirms later
        assert payment.created_at.seconds > 0

        read = payments.GetPayment(pb.GetPaymentRequest(payment_id=payment.id), timeout=10)
        assert read.payment == payment

        again, replay = payments.CreatePayment.with_call(_request(key, student, course), timeout=10)
        assert again.payment.id == payment.id
        assert dict(replay.initial_metadata() or ()).get("idempotent-replayed") == "true"
        assert dict(call.initial_metadata() or ()).get("idempotent-replayed") != "true"

    def test_a_key_reused_for_another_request_is_refused_with_already_exists(
        self, payments: PaymentsServiceStub
    ) -> None:
        student, course, key = str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4().hex
        payments.CreatePayment(_request(key, student, course), timeout=10)
        with pytest.raises(grpc.RpcError) as refused:
            payments.CreatePayment(_request(key, student, course, amount=100), timeout=10)
        assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS

    def test_bad_fields_and_unknown_payments_get_their_codes(
        self, payments: PaymentsServiceStub
    ) -> None:
        with pytest.raises(grpc.RpcError) as invalid:
            payments.CreatePayment(_request("", "not-a-uuid", str(uuid.uuid4())), timeout=10)
        assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "student_id" in (invalid.value.details() or "")
        with pytest.raises(grpc.RpcError) as missing:
            payments.GetPayment(pb.GetPaymentRequest(payment_id=str(uuid.uuid4())), timeout=10)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
