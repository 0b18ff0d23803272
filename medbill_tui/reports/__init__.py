"""Report output formats (plain, CSV, JSON)."""
