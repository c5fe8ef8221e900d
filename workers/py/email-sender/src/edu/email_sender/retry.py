"""How long to wait: between attempts at one refused email, and while the server is down."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float = 1.0
    max_delay: float = 60.0
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.first_delay <= 0 or self.max_delay < self.first_delay:
            raise ValueError("delays must be positive and max_delay at least first_delay")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay(self, failures: int) -> float:
        """The pause after ``failures`` consecutive failures: doubling, capped at max_delay."""
        return min(self.first_delay * 2.0 ** max(failures - 1, 0), self.max_delay)
