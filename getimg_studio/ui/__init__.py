"""Qt widgets, models and the bridge from engine events to signals."""
