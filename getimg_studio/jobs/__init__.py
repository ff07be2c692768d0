"""The job engine and history (no Qt)."""
