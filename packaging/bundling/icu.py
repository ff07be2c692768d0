"""A smaller ICU data library: the parts of ICU's 30 MB data that Qt calls, and none of the rest.

Qt Core uses ICU for collation (ucol_*), case mapping (u_strTo*), legacy text codecs (ucnv_*) and time-zone
names and ids (ucal_*). It never calls ICU's break iterators, number, unit, currency or date formatting,
transliteration or locale display names, whose data trees are most of libicudata. The build reads ICU's data
package out of the wheel's libicudata.so.73, removes those trees with `icupkg`, and compiles what is left
into a library of the same soname with `genccode` (Debian's icu-devtools) and the C compiler.
The self-check proves what stays works (collation, case mapping, a legacy codec, a time-zone name).
"""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

# Item trees Qt does not read: break iteration, units, currencies, language/region display names,
# transliteration, rule-based number formatting.
# (The converters stay, IBM-named ones included: ICU's Shift_JIS, for one, is ibm-943.)
UNUSED_TREES = ("brkitr/", "unit/", "curr/", "lang/", "region/", "translit/", "rbnf/")


_MISSING = re.compile(r"depends on missing item (\S+)")


def _symbol(library: Path, name: str) -> tuple[int, int]:
    out = subprocess.run(["nm", "-D", "-S", "--defined-only", str(library)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[0], 16), int(parts[1], 16)
    raise ValueError(f"{library} does not define {name}")


def _file_offset(data: bytes, address: int) -> int:
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    for i in range(shnum):
        _n, kind, _f, addr, offset, size, *_ = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        if kind != 8 and addr <= address < addr + size:  # 8 = SHT_NOBITS, no bytes in the file
            return offset + (address - addr)
    raise ValueError(f"address {address:#x} is in no section")


def trim(library: Path, workdir: Path) -> Path:
    """Writes workdir/<soname> (same file name as `library`) without UNUSED_TREES; returns its path."""
    match = re.match(r"libicudata\.so\.(\d+)", library.name)
    if match is None:
        raise ValueError(f"{library.name} is not ICU's data library")
    entry = f"icudt{match.group(1)}"
    workdir.mkdir(parents=True, exist_ok=True)
    data = library.read_bytes()
    address, size = _symbol(library, f"{entry}_dat")
    start = _file_offset(data, address)
    package = workdir / f"{entry}l.dat"
    package.write_bytes(data[start:start + size])
    listing = subprocess.run(["icupkg", "-l", str(package)], capture_output=True, text=True, check=True).stdout
    unused = [item for item in listing.split() if item.startswith(UNUSED_TREES)]
    # icupkg names the items inside a package after the file it writes: it must be called icudtNNl.dat too.
    (workdir / "trimmed").mkdir(exist_ok=True)
    trimmed = workdir / "trimmed" / package.name
    while True:  # keep whatever a kept item depends on (the Windows CJK code pages build on IBM ones)
        removals = workdir / "unused.txt"
        removals.write_text("\n".join(unused) + "\n", encoding="utf-8")
        trimmed.unlink(missing_ok=True)
        done = subprocess.run(["icupkg", "-r", str(removals), str(package), str(trimmed)], capture_output=True,
                              text=True, check=False)
        if done.returncode == 0:
            break
        wanted = set(_MISSING.findall(done.stdout + done.stderr))
        if not wanted & set(unused):
            raise RuntimeError(f"icupkg failed: {done.stdout}{done.stderr}")
        unused = [item for item in unused if item not in wanted]
    subprocess.run(["genccode", "-q", "-a", "gcc", "-e", entry, "-f", f"{entry}_dat", "-d", str(workdir),
                    str(trimmed)], check=True, capture_output=True)
    out = workdir / library.name
    subprocess.run(["gcc", "-shared", "-o", str(out), str(workdir / f"{entry}_dat.S"), f"-Wl,-soname,{library.name}",
                    "-Wl,-z,noexecstack", "-Wl,-z,relro", "-Wl,-z,now", "-Wl,--no-as-needed", "-lc", "-s"],
                   check=True, capture_output=True)
    return out
