"""Safe output (安全写出): atomic writes that never overwrite an input.

A report is written to a temporary file beside the target, flushed to disk, then renamed over
the target (``os.replace``, atomic on POSIX and Windows): a reader never sees half a file, and
a failure (full disk, no permission) leaves the old file as it was.  A target that is one of
the command's inputs is refused before anything is written.  A target that is a device or a
pipe (``/dev/stdout``) is written in place, never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from govbudget.errors import OutputError

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_output_path"]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:  # one of them does not exist (yet): they cannot be the same file
        return a.resolve() == b.resolve()


def check_output_path(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The output path, checked: its directory exists and is writable, it is not a directory,
    and it is none of ``inputs``.  :class:`OutputError` names the path and the reason."""
    p = Path(path)
    if str(path) == "":
        raise OutputError("output path is empty")
    for source in inputs:
        if _same_file(p, Path(source)):
            raise OutputError(f"{p}: is an input of this command; refusing to overwrite it (输出文件不能覆盖输入文件)")
    if p.is_dir():
        raise OutputError(f"{p}: is a directory; give a file name (输出路径是目录)")
    parent = p.parent
    if not parent.is_dir():
        raise OutputError(f"{p}: directory {parent} does not exist (输出目录不存在)")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{p}: directory {parent} is not writable (输出目录不可写)")
    return p


def _describe(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device (磁盘已满)"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded (磁盘配额已满)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (无写入权限)"
    if exc.errno == errno.EROFS:
        return "read-only file system (只读文件系统)"
    return exc.strerror or str(exc)


def atomic_write_bytes(path: str | Path, data: bytes, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same directory, then rename).

    Refuses a path that is one of ``inputs``; any OS failure becomes an :class:`OutputError`
    naming the path, and the temporary file is removed, so nothing half-written is left.
    """
    p = check_output_path(path, inputs)
    if p.exists() and not p.is_file():
        # A device or a pipe (/dev/stdout, /dev/null, /dev/full) is written in place: renaming
        # a temporary file over it would replace the device itself.
        try:
            with p.open("wb") as f:
                f.write(data)
                f.flush()
        except OSError as exc:
            raise OutputError(f"{p}: cannot write ({_describe(exc)})") from None
        return p
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({_describe(exc)})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if p.exists():
            # Keep the permissions of the file being replaced (mkstemp creates 0600).
            os.chmod(tmp, p.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{p}: cannot write ({_describe(exc)})") from None
    return p


def atomic_write_text(path: str | Path, text: str, *, inputs: Iterable[str | Path] = (),
                      encoding: str = "utf-8") -> Path:
    """Write ``text`` (UTF-8, newlines as given) atomically; see :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding), inputs=inputs)
