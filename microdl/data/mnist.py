"""MNIST and Fashion-MNIST: find the four IDX files on disk, or download and verify them.

    X, y = mnist("train")          # X (60000, 1, 28, 28) float32 in [0, 1], y (60000,) int64
    X, y = fashion_mnist("test")   # X (10000, 1, 28, 28), y: FASHION_CLASSES[y[i]]

Both data sets ship as the same four files (train-images-idx3-ubyte.gz, ...), read
gzipped or not. They are looked for, in order, in:

    1. the folder passed as `path=`
    2. $MICRODL_DATA/<name>, then $MICRODL_DATA itself       (name: mnist, fashion-mnist)
    3. the user cache, ~/.cache/microdl/<name> ($XDG_CACHE_HOME if set)
    4. where an OS package puts them (Debian's dataset-fashion-mnist:
       /usr/share/datasets/fashion-mnist)

If they are nowhere, they are downloaded into `path`, else $MICRODL_DATA/<name>, else
the cache. Each download goes into a temporary file next to its destination and is
renamed into place only after its SHA-256 matches the official one written below, so
an interrupted or tampered download leaves nothing behind. Files already on disk are
checked too, cheaply (verified.py): an official file that changed since it was hashed
is refused. Labels must be whole class numbers, images 28x28 with pixels 0..255 (or
floats in 0..1).
"""
import http.client
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .download import ChecksumError, download_file
from .idx import IDXError, read_idx
from .verified import check_unaltered, remember_official

__all__ = ["mnist", "fashion_mnist", "load_dataset", "MNIST_CLASSES", "FASHION_CLASSES",
           "DATASETS", "DatasetInfo", "find_dataset", "dataset_locations", "dataset_info",
           "cache_folder", "download_file", "DatasetNotFoundError", "ChecksumError"]

MNIST_CLASSES = tuple("0123456789")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


@dataclass(frozen=True)
class DatasetInfo:
    """What microdl knows about one data set: where to find it and how to check it."""
    name: str            # the folder name: "mnist", "fashion-mnist"
    title: str
    classes: tuple
    mirrors: tuple       # base URLs, tried in order
    files: dict          # official .gz name -> (size in bytes, SHA-256)
    label_starts: dict   # split -> its first 10 labels: tells MNIST and Fashion-MNIST apart
    system_folders: tuple = ()
    package_hint: str = ""


DATASETS = {
    # SHA-256 as published by several independent projects (torchvision, TensorFlow
    # Datasets users, ...) for the original files; sizes from the mirrors' listings.
    "mnist": DatasetInfo(
        name="mnist", title="MNIST", classes=MNIST_CLASSES,
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
                 "https://storage.googleapis.com/cvdf-datasets/mnist/",
                 "http://yann.lecun.com/exdb/mnist/"),
        files={
            "train-images-idx3-ubyte.gz": (9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            "train-labels-idx1-ubyte.gz": (28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            "t10k-images-idx3-ubyte.gz": (1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            "t10k-labels-idx1-ubyte.gz": (4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
        },
        label_starts={"train": (5, 0, 4, 1, 9, 2, 1, 3, 1, 4), "test": (7, 2, 1, 0, 4, 1, 4, 9, 5, 9)},
    ),
    # SHA-256 checked here by rebuilding each official file (the size and MD5 the
    # Fashion-MNIST README gives) from the Debian package's copy: same data, new gzip header.
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist", title="Fashion-MNIST", classes=FASHION_CLASSES,
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                 "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"),
        files={
            "train-images-idx3-ubyte.gz": (26421880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            "train-labels-idx1-ubyte.gz": (29515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            "t10k-images-idx3-ubyte.gz": (4422102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            "t10k-labels-idx1-ubyte.gz": (5148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        },
        label_starts={"train": (9, 0, 0, 3, 0, 2, 7, 2, 5, 5), "test": (9, 2, 1, 1, 6, 1, 4, 6, 5, 7)},
        system_folders=("/usr/share/datasets/fashion-mnist",),
        package_hint="on Debian/Ubuntu: sudo apt install dataset-fashion-mnist",
    ),
}


class DatasetNotFoundError(FileNotFoundError):
    """The data set's files are not on disk and could not be downloaded."""


def mnist(split="train", path=None, download=True, progress=None):
    """The MNIST digits: X (n, 1, 28, 28) float32 in [0, 1], y (n,) int64 in 0..9.

    split: "train" (60,000) or "test" (10,000). progress: None/True for a download
    progress bar, False for none, or a function called with (bytes done, bytes total).
    """
    return load_dataset("mnist", split, path, download, progress)


def fashion_mnist(split="train", path=None, download=True, progress=None):
    """Zalando's Fashion-MNIST: like `mnist`, with clothes; names in FASHION_CLASSES."""
    return load_dataset("fashion-mnist", split, path, download, progress)


def load_dataset(name, split="train", path=None, download=True, progress=None):
    """Load `split` of the data set called `name` ("mnist" or "fashion-mnist")."""
    info = dataset_info(name)
    if split not in SPLITS:
        raise ValueError(f"{info.title}: split must be 'train' or 'test', got {split!r}")
    files = _find_split(info, split, path)
    if files is None:
        if not download:
            raise DatasetNotFoundError(_not_found_message(info, split, path, failures=None))
        files = _download_split(info, split, path, progress)
    return _read_split(info, split, files)


def dataset_info(name):
    """The DatasetInfo for 'mnist' or 'fashion-mnist' (also 'fashion_mnist', any case)."""
    key = str(name).lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[key]


def dataset_locations(name, path=None):
    """[(folder, why it is searched), ...] in the order they are searched."""
    info = dataset_info(name)
    places = []
    if path is not None:
        places.append((Path(path), "path="))
    if os.environ.get("MICRODL_DATA"):
        root = Path(os.environ["MICRODL_DATA"])
        places += [(root / info.name, f"$MICRODL_DATA/{info.name}"), (root, "$MICRODL_DATA")]
    places.append((cache_folder(info.name), "user cache"))
    places += [(Path(folder), "system package") for folder in info.system_folders]
    unique = {}
    for folder, why in places:
        unique.setdefault(folder.expanduser(), why)
    return list(unique.items())


def cache_folder(name):
    """~/.cache/microdl/<name>, or $XDG_CACHE_HOME/microdl/<name> if that is set."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "microdl" / name


def _verified_record():
    """The record of hashed data files (verified.py): one JSON file in the user cache,
    ~/.cache/microdl/verified-files.json, beside the data set folders."""
    return cache_folder("mnist").with_name("verified-files.json")


def find_dataset(name, path=None):
    """The first folder holding all four files of the data set, or None."""
    for folder, _ in dataset_locations(name, path):
        if all(_find_file(folder, base) for files in SPLITS.values() for base in files):
            return folder
    return None


def _find_file(folder, base):
    """folder/base.gz or folder/base, whichever exists first, else None."""
    for candidate in (folder / f"{base}.gz", folder / base):
        if candidate.is_file():
            return candidate
    return None


def _find_split(info, split, path):
    """(images file, labels file) from the first folder that has both, else None."""
    for folder, _ in dataset_locations(info.name, path):
        files = [_find_file(folder, base) for base in SPLITS[split]]
        if all(files):
            return tuple(files)
    return None


def _read_split(info, split, files):
    for file in files:  # an official file altered since it was checked is refused here
        if file.name in info.files:
            check_unaltered(file, info.files[file.name][1], _verified_record())
    images, labels = (read_idx(file) for file in files)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise IDXError(f"{info.title} {split}: expected images (n, height, width) and n labels, "
                       f"got images {images.shape} in {files[0]} and labels {labels.shape} in {files[1]}")
    if images.shape[1:] != (28, 28):
        raise IDXError(f"{info.title} {split}: images must be 28x28 pixels, found "
                       f"{images.shape[1]}x{images.shape[2]} in {files[0]}")
    labels = _class_indices(info, split, labels, files[1])
    _check_not_swapped(info, split, labels, files[1])
    return _scaled_to_0_1(info, split, images, files[0]), labels


def _class_indices(info, split, labels, file):
    """The labels as int64 class indices 0..n_classes-1, or an IDXError naming the file."""
    whole = np.isfinite(labels) & (labels == np.round(labels)) if labels.dtype.kind == "f" else None
    if whole is not None and not whole.all():
        raise IDXError(f"{info.title} {split}: labels must be whole class numbers, found "
                       f"{labels[~whole][0].item()!r} in {file}")
    if labels.size and not 0 <= labels.min() <= labels.max() < len(info.classes):
        raise IDXError(f"{info.title} {split}: labels must be 0..{len(info.classes) - 1}, found "
                       f"{labels.min()}..{labels.max()} in {file}")
    return labels.astype(np.int64)


def _scaled_to_0_1(info, split, images, file):
    """(n, 1, 28, 28) float32 in [0, 1]: pixels 0..255 are divided by 255; float pixels
    already in [0, 1] are kept. Anything else is not an image in either convention."""
    low, high = (images.min().item(), images.max().item()) if images.size else (0, 0)
    floats = images.dtype.kind == "f"
    if not (0 <= low and high <= 255) or (floats and not np.isfinite(images).all()):
        raise IDXError(f"{info.title} {split}: pixels must be 0..255 (or 0..1 as floats), found "
                       f"{low!r}..{high!r} ({images.dtype}) in {file}")
    X = images[:, None].astype(np.float32)  # (n, 1, 28, 28)
    if not (floats and high <= 1):
        X /= 255.0
    return X


def _check_not_swapped(info, split, labels, file):
    """MNIST and Fashion-MNIST files have the same names: catch one loaded as the other."""
    start = tuple(labels[:10].tolist())
    for other in DATASETS.values():
        if other is not info and start == other.label_starts[split] != info.label_starts[split]:
            raise IDXError(f"{file} holds the {other.title} {split} labels, not {info.title}'s: "
                           f"the two data sets use the same file names - keep each in its own "
                           f"folder, e.g. $MICRODL_DATA/{info.name}/ and $MICRODL_DATA/{other.name}/")


def _download_split(info, split, path, progress):
    """Download the split's missing files; (images file, labels file) or DatasetNotFoundError."""
    folder = _download_folder(info, path)
    try:
        created = _make_folders(folder)
    except OSError as error:  # $MICRODL_DATA is a file, or a read-only folder, ...
        problem = [(folder, _why_not_creatable(folder, error))]
        raise DatasetNotFoundError(_not_found_message(info, split, path, problem)) from None
    failures = []
    for base in SPLITS[split]:
        if not _find_file(folder, base) and not _download_from_mirrors(
                info, f"{base}.gz", folder, progress, failures):
            for new in created:  # leave no empty folders behind either
                if new.is_dir() and not any(new.iterdir()):
                    new.rmdir()
            raise DatasetNotFoundError(_not_found_message(info, split, path, failures))
    return tuple(_find_file(folder, base) for base in SPLITS[split])


def _make_folders(folder):
    """Create `folder` and its missing parents; the ones created, deepest first."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _why_not_creatable(folder, error):
    """Why mkdir failed, in words: a file in the way is named, else the system's reason."""
    in_the_way = next((p for p in [folder, *folder.parents] if p.exists()), None)
    if in_the_way is not None and not in_the_way.is_dir():
        return f"cannot create this folder: {in_the_way} is a file, not a folder"
    return f"cannot create this folder ({error.strerror or error}: {error.filename})"


def _download_folder(info, path):
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get("MICRODL_DATA"):
        return Path(os.environ["MICRODL_DATA"]) / info.name
    return cache_folder(info.name)


def _download_from_mirrors(info, filename, folder, progress, failures):
    """Try each mirror in turn; True once one gave the verified file, failures noted in `failures`."""
    size, sha256 = info.files[filename]
    for mirror in info.mirrors:
        url = mirror + filename
        try:
            download_file(url, folder / filename, sha256, size, progress)
            remember_official(folder / filename, sha256, _verified_record())
            return True
        except (OSError, http.client.HTTPException, ChecksumError) as error:
            failures.append((url, error))
    return False


def _not_found_message(info, split, path, failures):
    names = " and ".join(f"{base}(.gz)" for base in SPLITS[split])
    lines = [f"{info.title} ({split} split) is not on this computer: looked for {names} in"]
    lines += [f"    {folder}    ({why})" for folder, why in dataset_locations(info.name, path)]
    if failures is None:
        lines.append("and did not download it (download=False).")
    else:
        lines.append("and could not download it:")
        lines += [f"    {url}: {error}" for url, error in failures]
    lines.append("To fix it, download these files by hand:")
    lines += [f"    {info.mirrors[0]}{base}.gz" for base in SPLITS[split]]
    lines.append(f"and put them in {_download_folder(info, path)} (or in a folder you pass as "
                 f"path=, or set MICRODL_DATA to a folder that has a {info.name}/ subfolder).")
    if info.package_hint:
        lines.append(f"Or install them: {info.package_hint}.")
    return "\n".join(lines)
