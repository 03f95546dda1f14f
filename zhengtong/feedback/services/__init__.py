"""Services of feedback (every write), one module per part."""
