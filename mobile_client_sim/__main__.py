"""`python -m mobile_client_sim`: the app simulator's command line (see `cli`)."""
from __future__ import annotations

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
