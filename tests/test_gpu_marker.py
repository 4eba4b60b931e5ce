"""GPU-marked checks: skipped with a clear reason on a machine without CUDA, run for real on one."""
import importlib.util

import pytest

from course import paths, registry
from course.grading.run import grade_exercise

HAVE_TORCH = importlib.util.find_spec("torch") is not None
pytestmark = pytest.mark.skipif(not HAVE_TORCH, reason="needs torch")
REASON = "GPU check: runs only with --device cuda on a machine with CUDA"


def _cuda() -> bool:
    import torch
    return torch.cuda.is_available()


def test_gpu_checks_are_skipped_with_their_reason_on_cpu():
    result = grade_exercise(paths.kit_root() / "solutions", registry.get("exercise9"), device="cpu")
    gpu = [c for c in result.checks if c.id.startswith("gpu.")]
    assert {c.id for c in gpu} == {"gpu.fit_cuda", "gpu.epoch_on_device"}
    assert all(c.status == "skipped" and c.message == REASON and c.max_score == 0 for c in gpu)
    assert all(c.status == "passed" for c in result.checks if not c.id.startswith("gpu."))


@pytest.mark.gpu
def test_gpu_checks_run_and_pass_with_cuda():
    if not _cuda():
        pytest.skip("no CUDA on this machine: the GPU checks were not run")
    result = grade_exercise(paths.kit_root() / "solutions", registry.get("exercise9"), device="cuda")
    gpu = [c for c in result.checks if c.id.startswith("gpu.")]
    assert gpu and all(c.status == "passed" for c in gpu), [(c.id, c.status, c.message[:300]) for c in gpu]


def test_kit_gpu_marker_is_registered(pytestconfig):
    markers = pytestconfig.getini("markers")
    assert any(m.startswith("gpu:") for m in markers)


@pytest.mark.gpu
def test_learner_process_forked_from_the_warmed_fork_server_can_use_cuda(tmp_path):
    """The fork server preloads torch without touching CUDA, so its forked learner processes can still
    initialise CUDA (a process forked after CUDA's initialisation cannot)."""
    if not _cuda():
        pytest.skip("no CUDA on this machine")
    from course.sandbox.launch import Limits
    from course.sandbox.remote import LearnerSession

    (tmp_path / "probe.py").write_text("import torch\n"
                                       "def on_gpu():\n"
                                       "    x = torch.ones(3, device='cuda')\n"
                                       "    return float((x * 2).sum().item()), torch.cuda.get_device_name(0)\n")
    session = LearnerSession(tmp_path, limits=Limits(check_timeout=120), torch=True)
    try:
        total, name = session.module("probe").on_gpu()
    finally:
        session.close()
    assert total == 6.0 and name


def test_fork_server_preload_leaves_cuda_usable_in_learner_processes(tmp_path):
    """Runs without a GPU too: torch marks a forked process unable to use CUDA when its parent so much as
    counted the devices, and that mark is readable on any machine."""
    from course.sandbox.launch import Limits
    from course.sandbox.remote import LearnerSession

    (tmp_path / "probe.py").write_text("import torch\ndef bad_fork():\n    return torch._C._cuda_isInBadFork()\n")
    session = LearnerSession(tmp_path, limits=Limits(check_timeout=120), torch=True)
    try:
        assert session.module("probe").bad_fork() is False
    finally:
        session.close()


@pytest.mark.gpu
def test_on_cuda_a_trainer_that_leaves_batches_on_the_cpu_is_named_by_every_check_it_breaks(tmp_path):
    if not _cuda():
        pytest.skip("no CUDA on this machine")
    from course.planted import make_submission, planted

    mistake = [p for p in planted("exercise9") if p.code == "not-on-device"]
    result = grade_exercise(make_submission(tmp_path, mistake, exercises=["exercise9"]), registry.get("exercise9"),
                            device="cuda")
    broken = [c for c in result.checks if c.status != "passed"]
    assert broken and all(c.diagnosis == "not-on-device" for c in broken), [(c.id, c.diagnosis) for c in broken]
