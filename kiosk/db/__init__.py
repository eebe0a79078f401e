"""Data layer: engine and sessions (``engine``), models (``models``), migrations (``migrate``)."""
