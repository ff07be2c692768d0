"""The Storyboard view: a page of the window's stage (shots, runs, playing and exporting a storyboard)."""
