"""Pieces every part of the window uses: theme, crash reporting, desktop file actions, quit signals."""
