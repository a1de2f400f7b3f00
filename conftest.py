"""pytest at the repository root: notebook tests run at the ``ci`` preset with no progress bars."""
import os


def pytest_configure(config):
    os.environ.setdefault("GEOMEM_SCALE", "ci")
    os.environ["GEOMEM_PROGRESS"] = "0"
