"""The embedded player: a service around QMediaPlayer, its controls, and PyAV frame helpers."""
