"""Verified, atomic downloads: a file is renamed into place only when its SHA-256 is the
expected one, so an interrupted or tampered download leaves nothing behind.

    download_file(url, "data/train.gz", sha256="3aede38d...", size=26421880)
"""
import hashlib
import urllib.request
from pathlib import Path

from ..atomic_file import replacing

__all__ = ["download_file", "ChecksumError"]


class ChecksumError(ValueError):
    """A downloaded file is not the official one: its size or SHA-256 differs."""


def download_file(url, destination, sha256, size=None, progress=None):
    """Fetch `url` into `destination` only if its SHA-256 matches; nothing is left otherwise."""
    destination = Path(destination)
    # the temporary file is created beside the destination with the umask's permissions,
    # and renamed into place only after the check: atomic, never a partial file (also Ctrl-C)
    with (replacing(destination, prefix=f".{destination.name}", suffix=".part") as out,
          urllib.request.urlopen(url, timeout=30) as response):
        total = size or int(response.headers.get("Content-Length") or 0) or None
        digest, received = _copy(response, out, size, _reporter(progress, total, destination.name))
        if digest != sha256:
            raise ChecksumError(f"{url}: downloaded {received:,} bytes with SHA-256 {digest}, "
                                f"expected {sha256}; the file was not kept")


def _copy(response, out, size, report):
    """Copy the response into `out` in chunks; (SHA-256 hex digest, bytes received)."""
    digest, received = hashlib.sha256(), 0
    try:
        while chunk := response.read(1 << 16):
            received += len(chunk)
            if size is not None and received > size:
                raise ChecksumError(f"received more than the expected {size:,} bytes; stopped")
            digest.update(chunk)
            out.write(chunk)
            report(received)
    finally:
        report(None)  # close the progress bar
    return digest.hexdigest(), received


def _reporter(progress, total, name):
    """A function called with the bytes received so far (None at the end)."""
    if progress is False:
        return lambda received: None
    if callable(progress):
        def call(received):
            if received is not None:
                progress(received, total)
        return call
    from tqdm import tqdm  # here, not at the top: `import microdl` must not load tqdm
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=name)

    def report(received):
        if received is None:
            bar.close()
        else:
            bar.update(received - bar.n)
    return report
