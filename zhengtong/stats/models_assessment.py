"""Models of stats: assessment."""
