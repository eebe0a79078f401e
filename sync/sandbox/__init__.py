"""A sandbox platform implementing the whole hall interface, for demos, training and tests."""

from sync.sandbox.seed import demo_day
from sync.sandbox.server import DEFAULT_JOURNAL, Faults, SandboxServer

__all__ = ["DEFAULT_JOURNAL", "Faults", "SandboxServer", "demo_day"]
