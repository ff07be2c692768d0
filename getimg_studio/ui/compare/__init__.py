"""Compare: 2 to 4 clips side by side on the stage, playing in sync under one transport."""
