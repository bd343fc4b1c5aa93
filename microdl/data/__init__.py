"""Data: toy 2-D sets, procedural shape images, MNIST / Fashion-MNIST, and mini-batches.

    from microdl.data import moons, shapes, fashion_mnist, DataLoader

    X, y = shapes(1000, seed=0)                  # (1000, 1, 28, 28), no download
    loader = DataLoader(X, y, batch_size=32, seed=0)
    print(loader.describe())                     # 1,000 examples at batch size 32 = 32 ...

Nothing here imports matplotlib or tqdm (the download progress bar loads tqdm when it runs).
"""
from .idx import IDXError, read_idx, write_idx
from .loader import (DataLoader, batches, describe_batching, gradient_descent_kind,
                     iterations_per_epoch, train_test_split)
from .mnist import (DATASETS, FASHION_CLASSES, MNIST_CLASSES, ChecksumError, DatasetNotFoundError,
                    cache_folder, dataset_info, dataset_locations, download_file, fashion_mnist,
                    find_dataset, load_dataset, mnist)
from .shapes import SHAPE_CLASSES, shapes
from .toy import blobs, circles, house_prices, load_points_csv, moons, spirals, xor

__all__ = [
    # toy.py: 2-D points
    "moons", "circles", "spirals", "xor", "blobs", "house_prices", "load_points_csv",
    # shapes.py: procedural images
    "shapes", "SHAPE_CLASSES",
    # idx.py: the MNIST file format
    "read_idx", "write_idx", "IDXError",
    # mnist.py: the real images
    "mnist", "fashion_mnist", "load_dataset", "MNIST_CLASSES", "FASHION_CLASSES", "DATASETS",
    "find_dataset", "dataset_locations", "dataset_info", "cache_folder", "download_file",
    "DatasetNotFoundError", "ChecksumError",
    # loader.py: mini-batches
    "batches", "DataLoader", "train_test_split", "iterations_per_epoch", "describe_batching",
    "gradient_descent_kind",
]
