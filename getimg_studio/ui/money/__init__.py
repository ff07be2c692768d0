"""Money in the main window: the status bar's month-to-date spend and budget left, and the budget refusal."""
