"""Wait until an HTTP endpoint answers 200: `python -m api.wait_ready URL [SECONDS]`."""
from __future__ import annotations

import sys
import time
import urllib.request


def wait(url: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


if __name__ == "__main__":
    sys.exit(0 if wait(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 30) else 1)
