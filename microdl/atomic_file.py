"""Write a file atomically, with the permissions a plain `open(path, "wb")` would give.

    with replacing("model.npz") as f:
        f.write(data)          # goes to a temporary file beside model.npz
    # here model.npz is the new file, whole; after an error (or Ctrl-C) it is untouched

Why not `tempfile.mkstemp`: it creates owner-only files (mode 0600) whatever the umask,
so re-saving a shared 0644 checkpoint would quietly make it private. Here the temporary
file is created with 0666 minus the umask, like any new file; replacing an existing file
keeps that file's mode.
"""
import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path

__all__ = ["replacing"]


@contextmanager
def replacing(path, prefix=None, suffix=".tmp"):
    """Yield a binary file that becomes `path` when the block ends without an error."""
    path = Path(path)
    descriptor, temporary = _create_beside(path, prefix if prefix is not None else path.name, suffix)
    try:
        with os.fdopen(descriptor, "wb") as file:
            _keep_mode_of(path, file.fileno())
            yield file
        os.replace(temporary, path)  # atomic: `path` is the old file or the new one, never half
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        Path(temporary).unlink(missing_ok=True)
        raise


def _create_beside(path, prefix, suffix):
    """(descriptor, name) of a new, empty file in path's folder, created with mode 0666
    so that the kernel applies the umask, as it does for open(path, "w")."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = path.with_name(f"{prefix}.{secrets.token_hex(4)}{suffix}")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}: 100 names were taken")


def _keep_mode_of(path, descriptor):
    """Give the new file the permissions of the file it will replace, if there is one."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:  # no file yet (or unreadable): the umask decides, as for a new file
        return
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, mode)
