"""Settings, the one clock, logging and connecting to the database."""
