"""The prompt field's memory: recent prompts (a list, Ctrl+Up/Down) and saved snippets (styles)."""
