"""MNIST / Fashion-MNIST loaders on small fake files, with every download mocked.

No test here touches the network: an autouse fixture makes urllib.request.urlopen
fail, and the download tests replace it with a fake server.
"""
import dataclasses
import hashlib
import io
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from offline_data import isolated  # noqa: F401  (autouse: no network, no system data)

from microdl.data.idx import IDXError, write_idx
from microdl.data.mnist import (DATASETS, FASHION_CLASSES, MNIST_CLASSES, DatasetNotFoundError,
                                cache_folder, dataset_locations, fashion_mnist, find_dataset,
                                load_dataset, mnist)

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
NAMES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def fake_split(folder, split="train", n=6, gz=True, labels=None, seed=0):
    """Write a tiny split into `folder` with write_idx; return its (images, labels)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n).astype(np.uint8) if labels is None else np.asarray(labels, np.uint8)
    suffix = ".gz" if gz else ""
    write_idx(folder / (NAMES[split][0] + suffix), images)
    write_idx(folder / (NAMES[split][1] + suffix), labels)
    return images, labels


def test_loads_from_path_scaled_to_0_1(tmp_path):
    images, labels = fake_split(tmp_path / "data")
    X, y = mnist("train", path=tmp_path / "data")
    assert X.shape == (6, 1, 28, 28) and X.dtype == np.float32
    assert y.dtype == np.int64 and y.tolist() == labels.tolist()
    np.testing.assert_allclose(X[:, 0], images / 255.0, rtol=1e-6)
    assert 0.0 <= X.min() and X.max() <= 1.0


def test_uncompressed_files_and_the_test_split(tmp_path):
    fake_split(tmp_path, "test", n=3, gz=False)
    X, y = fashion_mnist("test", path=tmp_path, download=False)
    assert X.shape == (3, 1, 28, 28) and y.shape == (3,)


def test_microdl_data_and_its_subfolder(tmp_path, monkeypatch):
    monkeypatch.setenv("MICRODL_DATA", str(tmp_path / "root"))
    fake_split(tmp_path / "root", n=2)
    assert len(mnist(download=False)[1]) == 2  # files directly in $MICRODL_DATA
    fake_split(tmp_path / "root" / "mnist", n=4)
    assert len(mnist(download=False)[1]) == 4  # the subfolder named after the data set wins


def test_the_search_order(tmp_path, monkeypatch):
    monkeypatch.setenv("MICRODL_DATA", str(tmp_path / "env"))
    debian = tmp_path / "usr-share"
    monkeypatch.setitem(DATASETS, "fashion-mnist",
                        dataclasses.replace(DATASETS["fashion-mnist"], system_folders=(str(debian),)))
    places = [tmp_path / "explicit", tmp_path / "env" / "fashion-mnist", tmp_path / "env",
              tmp_path / "cache" / "microdl" / "fashion-mnist", debian]
    assert [folder for folder, _ in dataset_locations("fashion-mnist", tmp_path / "explicit")] == places
    # fill them from last to first: each time the new, earlier place must win
    for n, folder in reversed(list(enumerate(places, start=1))):
        fake_split(folder, n=n)
        assert len(fashion_mnist(path=tmp_path / "explicit", download=False)[1]) == n


def test_the_cache_honours_xdg_cache_home(tmp_path, monkeypatch):
    assert cache_folder("mnist") == tmp_path / "cache" / "microdl" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_folder("mnist") == Path.home() / ".cache" / "microdl" / "mnist"


def test_find_dataset_needs_all_four_files(tmp_path, monkeypatch):
    monkeypatch.setenv("MICRODL_DATA", str(tmp_path))
    assert find_dataset("mnist") is None
    fake_split(tmp_path / "mnist", "train")
    assert find_dataset("mnist") is None
    fake_split(tmp_path / "mnist", "test", gz=False)
    assert find_dataset("mnist") == tmp_path / "mnist"
    assert find_dataset("fashion_mnist") is None


def test_not_found_offline_says_where_it_looked_and_what_to_do(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        fashion_mnist("test", path=tmp_path / "mine")
    message = str(caught.value)
    assert "Fashion-MNIST (test split) is not on this computer" in message
    assert str(tmp_path / "mine") in message and str(cache_folder("fashion-mnist")) in message
    assert "the network is off in tests" in message
    assert ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
            "t10k-images-idx3-ubyte.gz") in message
    assert "MICRODL_DATA" in message and "apt install dataset-fashion-mnist" in message
    assert not (tmp_path / "mine").exists()  # no empty folder left behind either


def test_download_false_does_not_touch_the_network(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("downloaded"))
    with pytest.raises(DatasetNotFoundError, match=r"download=False"):
        mnist("train", download=False)


def test_bad_split_or_name():
    with pytest.raises(ValueError, match="split must be 'train' or 'test', got 'validation'"):
        mnist("validation")
    with pytest.raises(ValueError, match="unknown data set 'cifar'"):
        load_dataset("cifar")


def test_class_names():
    assert MNIST_CLASSES == tuple("0123456789")
    assert FASHION_CLASSES[0] == "T-shirt/top" and FASHION_CLASSES[9] == "Ankle boot"
    assert len(FASHION_CLASSES) == 10


def test_labels_out_of_range_and_mismatched_counts(tmp_path):
    fake_split(tmp_path / "a", labels=[0, 1, 2, 10, 4, 5])
    with pytest.raises(IDXError, match="labels must be 0..9, found 0..10"):
        mnist(path=tmp_path / "a", download=False)
    fake_split(tmp_path / "b")
    write_idx(tmp_path / "b" / "train-labels-idx1-ubyte.gz", np.zeros(5, np.uint8))
    with pytest.raises(IDXError, match=r"images \(6, 28, 28\).*labels \(5,\)"):
        mnist(path=tmp_path / "b", download=False)


def test_mnist_files_are_not_taken_for_fashion_mnist(tmp_path):
    # the two data sets share file names: MNIST's labels start 5 0 4 1 9 2 1 3 1 4
    fake_split(tmp_path, n=10, labels=[5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    with pytest.raises(IDXError, match="holds the MNIST train labels, not Fashion-MNIST's"):
        fashion_mnist(path=tmp_path, download=False)
    assert len(mnist(path=tmp_path, download=False)[1]) == 10


# ---- downloads, against a fake server ----------------------------------------------------

class FakeResponse(io.BytesIO):
    """What urlopen returns: read(n), headers, a context manager; can fail after some bytes."""

    def __init__(self, data, fail_after=None, error=ConnectionResetError("connection reset")):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}
        self.fail_after, self.error = fail_after, error

    def read(self, size=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise self.error
        return super().read(min(size, 1000) if size and size > 0 else size)


def official_files(tmp_path, n=8):
    """gz bytes of a fake train split, and the hashes to pretend they are the official ones."""
    folder = tmp_path / "served"
    fake_split(folder, "train", n=n)
    served = {f"{base}.gz": (folder / f"{base}.gz").read_bytes() for base in NAMES["train"]}
    return served, {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in served.items()}


def serve(monkeypatch, tmp_path, respond, name="mnist"):
    """Pretend `respond(url, data)` is the internet; return the list of URLs asked for."""
    served, files = official_files(tmp_path)
    info = DATASETS[name]
    monkeypatch.setitem(DATASETS, name, dataclasses.replace(info, files={**info.files, **files}))
    asked = []

    def urlopen(url, *args, **kwargs):
        asked.append(url)
        return respond(url, served[url.rsplit("/", 1)[1]])
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return asked


def leftovers(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_download_verifies_and_renames_into_the_cache(tmp_path, monkeypatch):
    asked = serve(monkeypatch, tmp_path, lambda url, data: FakeResponse(data))
    calls = []
    X, y = mnist("train", progress=lambda done, total: calls.append((done, total)))
    assert X.shape == (8, 1, 28, 28)
    assert asked == [f"https://ossci-datasets.s3.amazonaws.com/mnist/{base}.gz" for base in NAMES["train"]]
    assert leftovers(cache_folder("mnist")) == sorted(f"{base}.gz" for base in NAMES["train"])
    assert calls[-1][0] == calls[-1][1]  # the progress ends at the total
    # the second time it is found on disk: no download
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("downloaded again"))
    np.testing.assert_array_equal(mnist("train")[1], y)


def test_download_goes_to_path_or_microdl_data(tmp_path, monkeypatch):
    serve(monkeypatch, tmp_path, lambda url, data: FakeResponse(data))
    mnist("train", path=tmp_path / "here", progress=False)
    assert len(leftovers(tmp_path / "here")) == 2
    monkeypatch.setenv("MICRODL_DATA", str(tmp_path / "env"))
    fashion_files = official_files(tmp_path)[1]
    info = DATASETS["fashion-mnist"]
    monkeypatch.setitem(DATASETS, "fashion-mnist",
                        dataclasses.replace(info, files={**info.files, **fashion_files}))
    fashion_mnist("train", progress=False)
    assert len(leftovers(tmp_path / "env" / "fashion-mnist")) == 2


def test_download_with_a_tqdm_progress_bar(tmp_path, monkeypatch, capsys):
    serve(monkeypatch, tmp_path, lambda url, data: FakeResponse(data))
    mnist("train")  # progress=None: a tqdm bar on stderr
    assert "train-images-idx3-ubyte.gz" in capsys.readouterr().err


def test_a_tampered_download_is_refused_and_not_kept(tmp_path, monkeypatch):
    def tampered(url, data):
        return FakeResponse(data[:-1] + bytes([data[-1] ^ 1]))
    serve(monkeypatch, tmp_path, tampered)
    with pytest.raises(DatasetNotFoundError, match="SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}"):
        mnist("train", progress=False)
    assert leftovers(tmp_path / "cache") == []


def test_an_interrupted_download_leaves_nothing(tmp_path, monkeypatch):
    serve(monkeypatch, tmp_path, lambda url, data: FakeResponse(data, fail_after=2000))
    with pytest.raises(DatasetNotFoundError, match="connection reset"):
        mnist("train", progress=False)
    assert leftovers(tmp_path / "cache") == []


def test_ctrl_c_during_a_download_leaves_nothing(tmp_path, monkeypatch):
    serve(monkeypatch, tmp_path,
          lambda url, data: FakeResponse(data, fail_after=2000, error=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        mnist("train", path=tmp_path / "here", progress=False)
    assert leftovers(tmp_path / "here") == []


def test_an_oversized_download_is_stopped(tmp_path, monkeypatch):
    serve(monkeypatch, tmp_path, lambda url, data: FakeResponse(data + b"\x00" * 5000))
    with pytest.raises(DatasetNotFoundError, match="more than the expected"):
        mnist("train", progress=False)
    assert leftovers(tmp_path / "cache") == []


def test_a_failing_mirror_is_skipped(tmp_path, monkeypatch):
    def first_mirror_down(url, data):
        if "ossci-datasets" in url:
            raise urllib.error.HTTPError(url, 403, "Forbidden", {}, None)
        return FakeResponse(data)
    asked = serve(monkeypatch, tmp_path, first_mirror_down)
    assert mnist("train", progress=False)[0].shape == (8, 1, 28, 28)
    assert [url.split("/")[2] for url in asked] == ["ossci-datasets.s3.amazonaws.com",
                                                     "storage.googleapis.com"] * 2


def test_only_missing_files_are_downloaded(tmp_path, monkeypatch):
    asked = serve(monkeypatch, tmp_path, lambda url, data: FakeResponse(data))
    images, _ = fake_split(tmp_path / "half", n=8)
    (tmp_path / "half" / "train-labels-idx1-ubyte.gz").unlink()
    mnist("train", path=tmp_path / "half", progress=False)
    assert [url.rsplit("/", 1)[1] for url in asked] == ["train-labels-idx1-ubyte.gz"]


def test_the_official_hashes_are_written_down():
    for info in DATASETS.values():
        assert sorted(info.files) == sorted(f"{base}.gz" for files in NAMES.values() for base in files)
        for size, sha256 in info.files.values():
            assert size > 4000 and len(sha256) == 64 and int(sha256, 16)


def test_importing_microdl_data_loads_neither_tqdm_nor_matplotlib():
    code = ("import sys, microdl.data; "
            "print(sorted(m for m in ('matplotlib', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- the real thing, where Debian's dataset-fashion-mnist package is installed -----------

@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="dataset-fashion-mnist is not installed")
@pytest.mark.parametrize("split, n", [("train", 60_000), ("test", 10_000)])
def test_real_fashion_mnist_from_the_debian_package(monkeypatch, split, n):
    monkeypatch.setitem(DATASETS, "fashion-mnist", dataclasses.replace(
        DATASETS["fashion-mnist"], system_folders=(str(DEBIAN_FASHION),)))
    assert find_dataset("fashion-mnist") == DEBIAN_FASHION
    X, y = fashion_mnist(split, download=False)
    assert X.shape == (n, 1, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    assert 0.0 <= X.min() and X.max() == 1.0
    assert np.bincount(y).tolist() == [n // 10] * 10  # labels 0..9, balanced
