"""Work on video files with PyAV, free of Qt: probing, frames, joining, exports and the recipe in a file.

Every function here blocks (decoding, encoding, hashing, fsync): call it from a worker thread or an executor,
never from the thread that paints. Long work takes `progress` (a fraction 0..1) and `cancel` (an Event or a
callable) and writes its output atomically. Importing a submodule loads PyAV (~0.1 s); this package's
`__init__` imports nothing.
"""
