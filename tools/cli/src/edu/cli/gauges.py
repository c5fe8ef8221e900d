"""What the machine was doing while a layer ran: CPU time of its process tree, load average.

A layer that took longer because its code got slower uses more CPU; one that took longer
because the machine was busy (another job, a noisy neighbour) shows a high load average and
about the same CPU time. The runner records both beside the wall time so a reader can tell.
"""

from __future__ import annotations

import os
import resource
from typing import Protocol


class MachineGauges(Protocol):
    def children_cpu_seconds(self) -> float:
        """User + system CPU seconds of every child process that has ended and been waited for
        (with their own waited-for children): read before and after a layer, the difference is
        the layer's process tree."""
        ...

    def load_average(self) -> float:
        """The one-minute load average (runnable processes; compare with the core count)."""
        ...


class SystemGauges:
    def children_cpu_seconds(self) -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def load_average(self) -> float:
        try:
            return os.getloadavg()[0]
        except OSError:  # pragma: no cover - every Linux and macOS has it
            return 0.0
