"""D2L's ``Timer``. (The chapter measures speed with ``d2lmini.speed``.)"""

import time


class Timer:
    """(D2L §12.5) Record several running times (D2L's ``Timer``):
    ``start``, ``stop``, ``avg``, ``sum``, ``cumsum``."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.perf_counter()

    def stop(self):
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        out, total = [], 0.0
        for t in self.times:
            total += t
            out.append(total)
        return out
