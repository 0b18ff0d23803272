"""Frozen dataclasses every layer passes around (the boundary types); no SQLAlchemy, no Textual."""
