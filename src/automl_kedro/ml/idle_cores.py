"""Cores other processes leave idle, measured rather than assumed.

A fit may take more than one thread only where the extra cores are really free: on a busy machine two
OpenMP threads of a HistGradientBoosting spin while the other is descheduled and ran 40x slower than one
thread, so extra threads are given only while other processes used (almost) no CPU since the last look.
"""
from __future__ import annotations

import os
import time

import psutil


def _system_busy_seconds() -> float:
    """CPU seconds all processes have used (every core), as the kernel counts them."""
    t = psutil.cpu_times()
    return sum(getattr(t, k, 0.0) for k in ("user", "nice", "system", "irq", "softirq", "steal"))


class IdleCores:
    """Measures the CPU other processes use between two looks (``others``), from the kernel's counters
    less this process's own CPU time."""

    min_interval_s = 0.5  # a shorter interval says too little: the last measure stands
    quiet_cores = 0.3  # other processes using less than this many cores leave the machine to us

    def __init__(self):
        self.cores = os.cpu_count() or 1
        self.last: float | None = None
        self._mark()

    def _mark(self) -> None:
        self._t, self._busy, self._own = time.perf_counter(), _system_busy_seconds(), time.process_time()

    def others(self) -> float | None:
        """Cores other processes used on average since the last look (None until one interval was seen)."""
        if time.perf_counter() - self._t >= self.min_interval_s:
            self._measure()
        return self.last

    def look(self, seconds: float = 0.25) -> "IdleCores":
        """Measure over a short pause now (when no earlier interval was seen)."""
        time.sleep(seconds)
        self._measure()
        return self

    def _measure(self) -> None:
        dt = time.perf_counter() - self._t
        if dt > 0:
            used = (_system_busy_seconds() - self._busy) - (time.process_time() - self._own)
            self.last = max(0.0, used / dt)
            self._mark()

    def threads(self, wanted: int) -> int:
        """``wanted`` threads when the machine is quiet and has the cores, else 1."""
        if wanted <= 1 or self.cores < wanted:
            return 1
        others = self.others()
        return wanted if others is not None and others < self.quiet_cores else 1
