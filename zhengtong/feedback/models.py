"""Models of feedback, one module per part (each part has its own owner)."""

from .models_complaints import *  # noqa: F403
from .models_ratings import *  # noqa: F403
