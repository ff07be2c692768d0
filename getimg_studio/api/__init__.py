"""Talks to getimg: domain types, validation, frames, errors, client, downloader (no Qt)."""
