"""`microdl doctor`: what is installed, what each optional package adds, which graph
renderer and data sets this machine has, and the plotting backend."""
from . import __version__

__all__ = ["cmd_doctor", "OPTIONAL"]


#: the optional packages, what each one adds, and the extra (setup.cfg) that installs it
#: (from microdl's folder: microdl is installed from its checkout, not from PyPI)
OPTIONAL = {
    "torch": "lesson 11, microdl.export.to_torch, the benchmarks' comparisons; pip install -e '.[torch]'",
    "onnx": "microdl.export.to_onnx; pip install -e '.[onnx]'",
    "onnxruntime": "lesson 11 runs the exported .onnx file; pip install -e '.[onnx]'",
    "ipywidgets": "buttons and sliders in Jupyter; pip install -e '.[jupyter]'",
    "ipympl": "the drawing pad's mouse canvas in Jupyter; pip install -e '.[jupyter]'",
    "pytest": "running the tests; pip install -e '.[dev]'",
    "hypothesis": "running the tests; pip install -e '.[dev]'",
}


def cmd_doctor(args):
    import platform
    import shutil
    import subprocess
    from importlib import metadata
    print(f"microdl {__version__} on Python {platform.python_version()} ({platform.system()} {platform.machine()})")
    for package in ("numpy", "matplotlib", "graphviz", "tqdm", *OPTIONAL):
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "not installed" + (f" (optional: {OPTIONAL[package]})" if package in OPTIONAL else "")
        print(f"  {package:<13} {version}")
    dot = shutil.which("dot")
    if dot:
        found = subprocess.run([dot, "-V"], capture_output=True, text=True)
        print(f"  graphviz dot: {dot} ({(found.stderr or found.stdout).strip()}): graphs use graphviz")
    else:
        print("  graphviz dot: not found - graphs use microdl's built-in renderer "
              "(install the graphviz system package for graphviz layouts)")
    from .data import dataset_info, find_dataset
    for name in ("mnist", "fashion-mnist"):
        folder = find_dataset(name)
        where = str(folder) if folder else "not found (downloaded on first use, or see the README)"
        print(f"  {dataset_info(name).title + ':':<14} {where}")
    import matplotlib
    print(f"  matplotlib backend: {matplotlib.get_backend()}")
    return 0
