"""The queue and history: the lazy list model, its row painter, actions and thumbnails."""
