"""A getimg-compatible HTTP server that renders real videos (demo mode and tests)."""
