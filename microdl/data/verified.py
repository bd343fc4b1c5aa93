"""Cached data files checked cheaply: hash a file once, then trust its (size, mtime).

A small record (JSON, in the user cache) remembers for each data file microdl has hashed
its size, its modification time and its SHA-256. Loading a file whose size and mtime
match its record costs one stat; any change makes microdl hash the file again. A file
that was the official one (downloaded and checked, or found and hashed) and no longer is
has been altered since: that is a ChecksumError saying to delete it and download it again.

A file that was never the official one (your own copy, re-compressed, say) is hashed
once, like the others, and loads as it is. An edit that keeps the size and restores the
mtime to the nanosecond is not seen: the price of not hashing 30 MB on every load.
"""
import hashlib
import json
import os
from pathlib import Path

from ..atomic_file import replacing
from ..regular_file import open_regular_file
from .download import ChecksumError

__all__ = ["check_unaltered", "remember_official"]


def check_unaltered(file, official_sha256, record_path):
    """Raise ChecksumError if `file` was the official file and has changed since."""
    records = _read_records(record_path)
    key, stamp = _key_and_stamp(file)
    known = records.get(key)
    if known and known[:2] == stamp:
        return  # unchanged since it was hashed: trust the recorded verdict
    digest = sha256_of(file)
    if known and known[2] == official_sha256 != digest:
        raise ChecksumError(
            f"{file} has changed since microdl checked it: its SHA-256 is now {digest}, the "
            f"official file's is {official_sha256}. Delete it and load the data set again to "
            f"download a fresh copy (or put the official file back).")
    records[key] = [*stamp, digest]
    _write_records(record_path, records)


def remember_official(file, sha256, record_path):
    """Note that `file` was just downloaded and matched `sha256`: no need to hash it again."""
    records = _read_records(record_path)
    key, stamp = _key_and_stamp(file)
    records[key] = [*stamp, sha256]
    _write_records(record_path, records)


def sha256_of(file):
    digest = hashlib.sha256()
    with open_regular_file(file, ChecksumError) as opened:
        while chunk := opened.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _key_and_stamp(file):
    """(absolute path, [size in bytes, mtime in ns]) of the file as it is now."""
    status = os.stat(file)
    return str(Path(file).resolve()), [status.st_size, status.st_mtime_ns]


def _read_records(record_path):
    """{path: [size, mtime_ns, sha256]}; an absent or unreadable record is an empty one."""
    try:
        records = json.loads(Path(record_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(records, dict):
        return {}
    return {key: value for key, value in records.items()
            if isinstance(value, list) and len(value) == 3}


def _write_records(record_path, records):
    """Best effort: a cache that cannot be written only means hashing again next time.
    Records of files that are gone are dropped, so the record stays as small as the data."""
    records = {key: value for key, value in records.items() if os.path.exists(key)}
    try:
        Path(record_path).parent.mkdir(parents=True, exist_ok=True)
        with replacing(record_path) as file:
            file.write(json.dumps(records, indent=0, sort_keys=True).encode("utf-8"))
    except OSError:
        pass
