"""Hall Kiosk domain core: models, services, the hall journal and the ports.

This package never imports Qt, the UI, device drivers or the platform client
(import-linter contracts in pyproject.toml). Adapters implement its ports.
"""

__version__ = "0.1.0"
