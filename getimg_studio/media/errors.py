"""How media work fails: `MediaError` for what a person can fix, `Cancelled` for a stop they asked for.

`MediaError` is a `GetimgError`, so every layer that already shows a `GetimgError`'s message shows these too.
Its kind says who can act: INVALID (this file or this option cannot be used; `param` names the option),
DISK (the destination cannot be written), UNKNOWN (this installation lacks an encoder).
"""

from __future__ import annotations

import errno
from pathlib import Path

from getimg_studio.api.errors import ErrorKind, GetimgError

_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.ENOENT,
                errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EFBIG, errno.EEXIST}


class MediaError(GetimgError):
    """An expected failure of media work, with a message written for the creator."""


class Cancelled(Exception):
    """The caller's cancel was seen; whatever was being written has been removed."""


def bad_option(param: str, message: str) -> MediaError:
    return MediaError(ErrorKind.INVALID, message, param=param)


def unreadable(path: Path, detail: str = "") -> MediaError:
    """The input is missing, incomplete or not a video this build can decode."""
    if not path.exists():
        return MediaError(ErrorKind.INVALID, f"“{path.name}” is not there any more (was it moved or deleted?).",
                          param="input")
    extra = f" ({detail})" if detail else ""
    return MediaError(ErrorKind.INVALID, f"“{path.name}” cannot be read as a video: it may be incomplete or not "
                      f"a video file{extra}.", param="input")


def missing_encoder(name: str, what: str) -> MediaError:
    return MediaError(ErrorKind.UNKNOWN, f"This installation cannot encode {what} (its PyAV has no “{name}”): "
                      "choose another format.", param="format")


def disk_error(path: Path, exc: OSError) -> MediaError | None:
    """The error a failed write of `path` becomes, or None when the OSError is not about the destination
    (one naming a file elsewhere, i.e. an input, is not: the caller lets it through)."""
    code = exc.errno
    if code not in _DISK_ERRNOS:
        return None
    if exc.filename:
        named = Path(str(exc.filename))
        if named.parent != path.parent and not path.is_relative_to(named):
            return None
    folder = path.parent
    if code in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full"
    elif code in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "the folder cannot be written (read-only or no permission)"
    elif code == errno.ENOENT:
        why = "the folder is not there"
    elif code in (errno.ENOTDIR, errno.EEXIST):
        why = "a file stands where its folder should be"
    else:
        why = exc.strerror or "the system refused the write"
    return MediaError(ErrorKind.DISK, f"Could not write “{path.name}” in {folder}: {why}. Choose another folder "
                      "or free some space.", param="output")
