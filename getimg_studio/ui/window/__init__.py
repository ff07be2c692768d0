"""The main window: its layout, menus, status bar, notifications, and the composition root that wires it."""
