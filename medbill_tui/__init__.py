"""medbill_tui: a keyboard-driven terminal application for medical billing."""

__version__ = "0.1.0"
