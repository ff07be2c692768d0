"""The soundtrack of a simulated clip: a soft chord and a plucked arpeggio picked from the prompt (numpy)."""

from __future__ import annotations

import hashlib

import numpy as np

SAMPLE_RATE = 44100


def synth_audio(prompt: str, seconds: float, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A soft chord with a plucked arpeggio, picked from the prompt's hash: float32 (2, n) in [-1, 1]."""
    d = hashlib.sha256(prompt.encode("utf-8", "replace")).digest()
    n = round(seconds * rate)
    t = np.arange(n, dtype=np.float32) / rate
    roots = [196.0, 220.0, 246.94, 261.63, 293.66, 329.63, 349.23]
    root = roots[d[0] % len(roots)]
    third = 4 if d[1] % 2 == 0 else 3  # major or minor
    semis = [0, third, 7, 12]
    freqs = [root * 2 ** (s / 12) for s in semis]
    left = np.zeros(n, dtype=np.float32)
    right = np.zeros(n, dtype=np.float32)
    for j, f in enumerate(freqs):
        detune = 1.0 + 0.002 * (j - 1.5)
        left += np.sin(2 * np.pi * f * detune * t).astype(np.float32)
        right += np.sin(2 * np.pi * f / detune * t).astype(np.float32)
    pad_env = np.minimum(1.0, t / 0.4) * np.minimum(1.0, (seconds - t) / 0.6).clip(0, 1)
    tremolo = 0.85 + 0.15 * np.sin(2 * np.pi * (0.5 + d[2] / 255.0) * t)
    left *= 0.08 * pad_env * tremolo
    right *= 0.08 * pad_env * tremolo
    # arpeggio: one plucked note per beat
    beat = 0.5 if d[3] % 2 else 0.375
    for b, start in enumerate(np.arange(0.0, max(0.0, seconds - 0.3), beat)):
        f = freqs[(b * (1 + d[4] % 3)) % len(freqs)] * 2
        s0, s1 = int(start * rate), min(n, int((start + 1.2) * rate))
        tt = t[s0:s1] - start
        note = (np.sin(2 * np.pi * f * tt) * np.exp(-tt * 4.0) * 0.12).astype(np.float32)
        pan = 0.5 + 0.4 * np.sin(b)
        left[s0:s1] += note * (1 - pan)
        right[s0:s1] += note * pan
    return np.clip(np.stack([left, right]), -1.0, 1.0).astype(np.float32)
