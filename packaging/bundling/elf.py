"""What a shared library or executable links against, read from its ELF dynamic section.

Only what the bundle tools need: DT_NEEDED, DT_SONAME and DT_RUNPATH of 64-bit little-endian files (the
bundle is built for x86-64 Linux). Pure Python, so the checks run where binutils is not installed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_MAGIC = b"\x7fELF"
_SHT_DYNAMIC = 6
_DT_NULL, _DT_NEEDED, _DT_SONAME, _DT_RPATH, _DT_RUNPATH = 0, 1, 14, 15, 29


@dataclass(frozen=True)
class Dynamic:
    needed: tuple[str, ...]
    soname: str | None
    runpath: tuple[str, ...]


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == _MAGIC
    except OSError:
        return False


def dynamic(path: Path) -> Dynamic:
    """The dynamic-linking facts of `path`; empty for a static file. ValueError when it is not 64-bit LE ELF."""
    data = path.read_bytes()
    if data[:4] != _MAGIC or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path} is not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    needed: list[str] = []
    soname: str | None = None
    runpath: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != _SHT_DYNAMIC:
            continue
        strtab_offset = sections[link][4]

        def string(at: int, base: int = strtab_offset) -> str:
            end = data.index(b"\0", base + at)
            return data[base + at:end].decode("utf-8", "replace")

        for pos in range(offset, offset + size, entsize or 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == _DT_NULL:
                break
            if tag == _DT_NEEDED:
                needed.append(string(value))
            elif tag == _DT_SONAME:
                soname = string(value)
            elif tag in (_DT_RPATH, _DT_RUNPATH):
                runpath.extend(p for p in string(value).split(":") if p)
    return Dynamic(tuple(needed), soname, tuple(runpath))
