#!/usr/bin/env python3
"""`moto_server` with the project's test extensions (moto_extensions.py): same arguments."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import moto_extensions  # noqa: E402,F401  (adds PutCompositeAlarm)
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "moto_server"
    main(sys.argv[1:])
