"""andiwali: evidence-backed, time-aware knowledge graphs of militant networks."""

__version__ = "0.1.0"
