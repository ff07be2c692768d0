"""A frame slot's "Generate image…": a compact image form whose chosen picture fills the slot (issue 12)."""
