"""Signals supervision listens to (filled in with the sync)."""
