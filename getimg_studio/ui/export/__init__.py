"""The player's Export dialog: trimmed, resized, looped or single-frame exports with the recipe inside."""
