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


@pytest.fixture
def uid_isolation(monkeypatch):
    """Grade as a root grader whose container refuses user namespaces does (the sandbox's uid level); the kit's
    folder modes and this process's umask, which that level tightens, are put back afterwards."""
    from course import paths
    from course.sandbox.launch import isolation_mode
    secrets = [p for p in paths.kit_secrets() if p.exists()]
    modes = {p: p.stat().st_mode for p in secrets}
    umask = os.umask(0o022)
    os.umask(umask)
    monkeypatch.setenv("COURSE_SANDBOX", "uid")
    isolation_mode.cache_clear()
    yield
    isolation_mode.cache_clear()
    os.umask(umask)
    for p, mode in modes.items():
        p.chmod(mode)
