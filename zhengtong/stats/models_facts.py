"""Models of stats: facts."""
