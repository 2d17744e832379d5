"""Slowing down a client that keeps presenting wrong tokens.

Every wrong token from one client (its address) is counted for :data:`WINDOW` seconds. From
the :data:`LIMIT`-th on, the client must wait before the next try: :data:`FIRST_WAIT` seconds,
doubling with every further failure up to :data:`LONGEST_WAIT`; a try while it must wait is
refused with 429 and ``Retry-After`` (RFC 6585 §4) before any token is checked. A correct token
clears the count. The counts live in one small JSON file that every server process shares
(under an exclusive lock), so running several workers does not multiply the tries.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from server.contribute.files import locked, write_atomic

__all__ = ["FIRST_WAIT", "LIMIT", "LONGEST_WAIT", "WINDOW", "Throttle"]

#: Failures within this many seconds count together.
WINDOW = 600
#: From this many failures on, the client must wait.
LIMIT = 5
#: The first wait, in seconds; it doubles with each further failure.
FIRST_WAIT = 60
#: The longest wait, in seconds.
LONGEST_WAIT = 3600
#: At most this many clients are remembered (the oldest are forgotten first).
_CLIENTS = 10_000


class Throttle:
    """The failure counts in the file ``path``."""

    def __init__(self, path: Path, *, clock: object = time.time) -> None:
        self.path = Path(path)
        self.lock = self.path.with_name(self.path.name + ".lock")
        self.clock = clock

    def _now(self) -> float:
        return float(self.clock())  # type: ignore[operator]

    def _read(self) -> dict[str, list[float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): [float(t) for t in v] for k, v in data.items() if isinstance(v, list)}

    def _write(self, data: dict[str, list[float]]) -> None:
        newest = sorted(data.items(), key=lambda item: item[1][-1], reverse=True)[:_CLIENTS]
        write_atomic(self.path, json.dumps(dict(newest)).encode("utf-8"), mode=0o600)

    def wait(self, client: str) -> int:
        """Seconds ``client`` must still wait before it may try a token (0: it may now)."""
        if not self.path.exists():
            return 0
        failures = [t for t in self._read().get(client, []) if t > self._now() - WINDOW]
        return self._remaining(failures)

    def _remaining(self, failures: list[float]) -> int:
        if len(failures) < LIMIT:
            return 0
        wait: int = min(FIRST_WAIT << (len(failures) - LIMIT), LONGEST_WAIT)
        return max(0, math.ceil(failures[-1] + wait - self._now()))

    def failed(self, client: str) -> int:
        """Count a wrong token from ``client``; the seconds it must now wait (0: none yet)."""
        with locked(self.lock):
            data = self._read()
            now = self._now()
            data = {k: [t for t in v if t > now - WINDOW] for k, v in data.items()}
            data = {k: v for k, v in data.items() if v}
            failures = [*data.get(client, []), now]
            data[client] = failures
            self._write(data)
        return self._remaining(failures)

    def succeeded(self, client: str) -> None:
        """Forget the failures of ``client`` (it presented a correct token)."""
        if not self.path.exists():
            return
        with locked(self.lock):
            data = self._read()
            if data.pop(client, None) is not None:
                self._write(data)
