"""The settings dialog (view and controller) and where the API key is kept."""
