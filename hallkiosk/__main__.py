"""``python -m hallkiosk`` = ``hall-kiosk``."""

import sys

from hallkiosk.cli import main

sys.exit(main())
