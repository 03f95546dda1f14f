"""Models of feedback: ratings."""
