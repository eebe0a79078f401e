"""``python -m hallkiosk`` = ``hall-kiosk``."""

import sys

from hallkiosk.cli import main

if __name__ == "__main__":  # not when a child process (the face engine's, spawn) imports it
    sys.exit(main())
