"""Shared fixtures for the kit's own tests."""
import os
import tempfile

import pytest


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from what the kit renders now (review the diff before committing)")


@pytest.fixture(autouse=True, scope="session")
def _quiet_jupyter_dirs(tmp_path_factory):
    """nbgrader and Jupyter write into the home folder unless told otherwise."""
    base = tmp_path_factory.mktemp("jupyter")
    for var in ("JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        os.environ.setdefault(var, str(base / var.lower()))
    os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp())
    yield
