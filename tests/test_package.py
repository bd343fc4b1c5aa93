"""The package as a whole: light import, version, command line."""
import subprocess
import sys

import microdl


def test_import_does_not_load_plotting_libraries():
    code = ("import sys, microdl; "
            "print(sorted(m for m in ('matplotlib', 'graphviz', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_does_not_load_torch_or_onnx_not_even_the_export_package():
    code = ("import sys, microdl, microdl.io, microdl.export; "
            "print(sorted(m for m in ('torch', 'onnx', 'onnxruntime', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_from_the_command_line():
    out = subprocess.run([sys.executable, "-m", "microdl", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"microdl {microdl.__version__}"


PUBLIC_MODULES = ["microdl", "microdl.autodiff", "microdl.value", "microdl.tensor", "microdl.conv",
                  "microdl.pooling", "microdl.fused", "microdl.normalization", "microdl.allocator", "microdl.gradcheck", "microdl.io",
                  "microdl.rng", "microdl.expression", "microdl.cli", "microdl.cli_graph", "microdl.demo",
                  "microdl.nn", "microdl.nn.functional", "microdl.nn.losses", "microdl.nn.module",
                  "microdl.nn.scalar", "microdl.nn.layers", "microdl.nn.activation_layers", "microdl.nn.init",
                  "microdl.data", "microdl.data.idx", "microdl.data.loader", "microdl.data.mnist",
                  "microdl.data.shapes", "microdl.data.toy",
                  "microdl.export", "microdl.export.layers", "microdl.export.scalar",
                  "microdl.export.torch_module", "microdl.export.torch_code", "microdl.export.onnx_layers",
                  "microdl.export.onnx_model", "microdl.export.checkpoint"]


def test_every_public_module_says_what_is_public():
    import importlib
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        public = getattr(module, "__all__", None)
        assert public, f"{name} has no __all__"
        assert len(set(public)) == len(public), f"{name}.__all__ lists a name twice"
        missing = [n for n in public if not hasattr(module, n)]
        assert not missing, f"{name}.__all__ names what it does not define: {missing}"
        private = [n for n in public if n.startswith("_") and n != "__version__"]
        assert not private, f"{name}.__all__ exports private names: {private}"
        imported = [n for n in public if getattr(getattr(module, n), "__module__", name).startswith("numpy")]
        assert not imported, f"{name}.__all__ re-exports NumPy names: {imported}"


def test_functions_and_classes_defined_in_a_module_are_public_or_private_by_name():
    """Nothing public-looking is left out of __all__ by accident in the engine floor."""
    import importlib
    import inspect
    for name in ["microdl.autodiff", "microdl.value", "microdl.tensor", "microdl.conv",
                 "microdl.pooling", "microdl.fused", "microdl.normalization", "microdl.nn.functional", "microdl.nn.losses"]:
        module = importlib.import_module(name)
        defined = [n for n, obj in vars(module).items()
                   if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == name
                   and not n.startswith("_")]
        left_out = sorted(set(defined) - set(module.__all__))
        if name == "microdl.autodiff":   # helpers the engines call: not for students
            left_out = sorted(set(left_out) - {"all_finite", "describe", "check_forward", "check_backward"})
        assert not left_out, f"{name}: public-looking names missing from __all__: {left_out}"
