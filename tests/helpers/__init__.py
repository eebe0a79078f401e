"""Shared test helpers (fakes, screen checks)."""
