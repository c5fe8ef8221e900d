"""PDFs per second of the certificate renderer on this machine (issue 25's benchmark).

``python -m edu.certificate_generator.bench [--count 200] [--warmup 5]`` (``just pdf-bench``)
renders certificates one after another in one process with the worker's own renderer and
fonts, cycling through holders that need each script the worker promises (Latin with accents,
Greek, Cyrillic, a long name that shrinks and wraps), and prints the median and p95 time per
PDF, PDFs per second over the whole run and the mean size. Every document must be a PDF (its
magic bytes) that printed the whole name, or the run fails: a renderer that got fast by drawing
nothing is not measured.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edu.certificate_generator.adapters.pdf_renderer import FpdfCertificateRenderer
from edu.certificate_generator.domain.certificate import CertificateDocument, verify_url
from edu.certificate_generator.settings import DEJAVU

HOLDERS = (
    "Zoë Łukasiewicz-Núñez",
    "Αλέξανδρος Παπαδόπουλος",
    "Светлана Кузнецова",
    "Maximilian Alexander Wolfgang von Hohenberg-Schwarzenstein und Liechtenau-Ostermann",
)


@dataclass(frozen=True)
class Report:
    count: int
    wall_seconds: float
    cpu_seconds: float
    median_ms: float
    p95_ms: float
    mean_bytes: float

    @property
    def per_second(self) -> float:
        return self.count / self.wall_seconds

    def lines(self) -> list[str]:
        return [
            f"rendered {self.count} certificates in {self.wall_seconds:.2f} s "
            f"(CPU {self.cpu_seconds:.2f} s)",
            f"per PDF: median {self.median_ms:.0f} ms, p95 {self.p95_ms:.0f} ms",
            f"throughput: {self.per_second:.2f} PDFs/s in one process",
            f"size: {self.mean_bytes / 1024:.1f} KiB on average",
        ]


def document(n: int) -> CertificateDocument:
    code = f"BENCH-{n:06d}"
    return CertificateDocument(
        certificate_id=uuid.uuid4(),
        enrollment_id=uuid.uuid4(),
        student_id=uuid.uuid4(),
        course_id=uuid.uuid4(),
        verification_code=code,
        holder_name=HOLDERS[n % len(HOLDERS)],
        course_title="Ιστορία της Αρχαίας Ελλάδας — a survey in twelve lessons",
        teacher_name="Дмитрий Иванов",
        issued_on=date(2026, 12, 6),
        verify_url=verify_url("https://eduplatform.example", code),
    )


def measure(renderer: FpdfCertificateRenderer, count: int, warmup: int) -> Report:
    for n in range(warmup):
        renderer.render(document(n))
    times: list[float] = []
    sizes: list[int] = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for n in range(count):
        doc = document(n)
        start = time.perf_counter()
        rendered = renderer.render(doc)
        times.append(time.perf_counter() - start)
        if not rendered.data.startswith(b"%PDF-") or rendered.unprintable:
            raise SystemExit(
                f"certificate {n} ({doc.holder_name!r}) is not a whole PDF: "
                f"starts {rendered.data[:8]!r}, unprintable {rendered.unprintable!r}"
            )
        sizes.append(len(rendered.data))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    ordered = sorted(times)
    return Report(
        count=count,
        wall_seconds=wall,
        cpu_seconds=cpu,
        median_ms=statistics.median(ordered) * 1000,
        p95_ms=ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000,
        mean_bytes=statistics.fmean(sizes),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.certificate_generator.bench")
    parser.add_argument("--count", type=int, default=200, help="certificates timed (200)")
    parser.add_argument("--warmup", type=int, default=5, help="rendered first, not timed (5)")
    parser.add_argument("--font-dir", type=Path, default=DEJAVU, help="the worker's font folder")
    args = parser.parse_args(argv)
    if args.count < 20:
        parser.error("--count below 20 gives no p95 worth printing")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    report = measure(FpdfCertificateRenderer(args.font_dir), args.count, args.warmup)
    sys.stdout.write("\n".join(report.lines()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
