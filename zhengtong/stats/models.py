"""Models of stats, one module per part (each part has its own owner)."""

from .models_assessment import *  # noqa: F403
from .models_facts import *  # noqa: F403
