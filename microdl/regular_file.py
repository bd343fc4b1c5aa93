"""Open a file for reading only if it is a regular file, never a device, pipe or folder.

A data or checkpoint path that is a symbolic link to /dev/zero would be read until memory
runs out, and a named pipe (FIFO) would block the reader forever. So the path is opened
without blocking and checked with fstat on the opened descriptor (no gap between the
check and the use), and anything but a regular file is refused with `error_class`.
"""
import os
import stat

__all__ = ["open_regular_file"]

KINDS = [(stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device (such as /dev/zero)"),
         (stat.S_ISBLK, "a block device (a disk)"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
         (stat.S_ISSOCK, "a socket")]


def open_regular_file(path, error_class):
    """A binary file object for `path`, or error_class(message) if it is not a regular file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:  # Windows refuses to open a folder at all
        raise error_class(f"{path} is a folder, not a file; give the path of the file itself") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = next((name for test, name in KINDS if test(mode)), "not a regular file")
        link = f" (a symbolic link to {os.readlink(path)})" if os.path.islink(path) else ""
        raise error_class(f"{path}{link} is {kind}, not a regular file, so it is not read; "
                          f"give the path of the file itself")
    return os.fdopen(descriptor, "rb")
