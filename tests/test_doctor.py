import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import manifest
from tests.conftest import REPO


def run_doctor(root, **extra):
    """``coursekit doctor`` started in the course folder ``root``, as a student would."""
    env = {"COURSEKIT_ROOT": str(root), "PATH": "/usr/bin:/bin", **extra}
    env["PYTHONPATH"] = ":".join(filter(None, [extra.get("PYTHONPATH"), str(REPO / "src")]))  # this copy's kit
    return subprocess.run([sys.executable, "-m", "coursekit.cli", "doctor"], env=env, cwd=root,
                          capture_output=True, text=True)


def test_shipped_data_matches_its_manifest():
    problems = manifest.check()
    assert not problems, "\n".join(f"{p.what}. Fix: {p.fix}" for p in problems)


def test_doctor_passes_on_a_good_copy(course_copy):
    manifest.write(course_copy / "data")
    result = run_doctor(course_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "widgets extension" in result.stdout and "All checks passed" in result.stdout
    assert "content review: nothing overdue" in result.stdout


def _doctor_without(course_copy, relpath: str):
    """Doctor's output on a good copy (checksums recorded) that has lost ``relpath``; it must fail."""
    manifest.write(course_copy / "data")
    (course_copy / relpath).unlink()
    result = run_doctor(course_copy)
    assert result.returncode != 0
    return result.stdout


def test_doctor_names_a_deleted_file_and_the_fix(course_copy):
    out = _doctor_without(course_copy, "data/essay_dating.csv")
    line = next(x for x in out.splitlines() if "essay_dating.csv" in x)
    assert "missing" in line and "git checkout -- data/essay_dating.csv" in line


def test_doctor_names_an_edited_file_and_the_fix(course_copy):
    manifest.write(course_copy / "data")
    path = course_copy / "data" / "course.yml"
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"minutes: (\d+)", lambda m: f"minutes: {int(m.group(1)) + 5}", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    result = run_doctor(course_copy)
    assert result.returncode != 0
    line = next(x for x in result.stdout.splitlines() if "course.yml" in x and "SHA-256" in x)
    assert "git checkout -- data/course.yml" in line and "manifest --write" in line


def test_doctor_flags_an_unlisted_file_and_the_budget(course_copy):
    manifest.write(course_copy / "data")
    (course_copy / "data" / "big.csv").write_bytes(b"x" * (manifest.BUDGET_BYTES + 1))
    result = run_doctor(course_copy)
    assert result.returncode != 0
    assert "data/big.csv is not in data/manifest.yml" in result.stdout
    assert "over its 5.00 MB budget" in result.stdout


def test_doctor_names_a_missing_notebook(course_copy):
    out = _doctor_without(course_copy, "notebooks/00_start_here.ipynb")
    assert "git checkout -- notebooks/00_start_here.ipynb" in out


def test_doctor_prints_the_course_root_and_why(course_copy):
    manifest.write(course_copy / "data")
    line = next(x for x in run_doctor(course_copy).stdout.splitlines() if x.startswith("course root"))
    assert str(course_copy.resolve()) in line and "working directory" in line


def test_doctor_fails_when_the_anywidget_extension_is_disabled(course_copy, tmp_path):
    """No quiz renders without anywidget's JupyterLab half: doctor must say so and name the fix."""
    manifest.write(course_copy / "data")
    config = tmp_path / "jupyter-config"  # an isolated user config: the shared environment is untouched
    config.mkdir()
    env = {"JUPYTER_CONFIG_DIR": str(config), "PATH": "/usr/bin:/bin"}
    jupyter = Path(sys.executable).parent / "jupyter"
    assert run_doctor(course_copy, **env).returncode == 0
    subprocess.run([str(jupyter), "labextension", "disable", "--level=user", "anywidget"], env=env,
                   check=True, capture_output=True)
    result = run_doctor(course_copy, **env)
    assert result.returncode != 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("FAIL anywidget extension"))
    assert "disabled" in line and "Fix: jupyter labextension enable --level=user anywidget" in line
    subprocess.run([str(jupyter), "labextension", "enable", "--level=user", "anywidget"], env=env,
                   check=True, capture_output=True)
    assert run_doctor(course_copy, **env).returncode == 0


def test_doctor_runs_pip_check_and_names_the_fix(course_copy, tmp_path):
    """A package whose dependency is missing (here a fake one on PYTHONPATH) fails ``pip check``."""
    manifest.write(course_copy / "data")
    dist = tmp_path / "site" / "brokenpkg-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenpkg\nVersion: 1.0\n"
                                   "Requires-Dist: coursekit-missing-dependency>=1\n", encoding="utf-8")
    result = run_doctor(course_copy, PYTHONPATH=str(tmp_path / "site"))
    assert result.returncode != 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("FAIL pip check"))
    assert "brokenpkg 1.0 requires coursekit-missing-dependency" in line and "Fix: make install" in line


def test_doctor_fails_when_ipc_kernel_sockets_cannot_fit_their_path(course_copy, tmp_path):
    """With KernelManager.transport = "ipc" (README's advice for a hub on one machine), a kernel's
    socket path is the runtime folder plus about 50 characters and must fit a Unix socket address:
    a longer one makes every kernel fail to start. Doctor names the fix."""
    import tempfile
    import uuid

    import zmq

    manifest.write(course_copy / "data")
    config = tmp_path / "jupyter-config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text('{"KernelManager": {"transport": "ipc"}}', encoding="utf-8")
    deep = tmp_path / ("a-deep-home-" * 4) / ".local" / "share" / "jupyter" / "runtime"
    deep.mkdir(parents=True)
    short = Path(tempfile.mkdtemp(prefix="rt-"))
    env = {"JUPYTER_CONFIG_DIR": str(config), "PATH": "/usr/bin:/bin"}

    socket_name = f"kernel-{uuid.uuid4()}-ipc-4"  # what a kernel's fifth socket is called
    sock = zmq.Context.instance().socket(zmq.PAIR)
    try:
        with pytest.raises(zmq.ZMQError):  # what a kernel meets in the deep folder
            sock.bind(f"ipc://{deep / socket_name}")
        sock.bind(f"ipc://{short / socket_name}")  # and in the short one, it binds
    finally:
        sock.close(linger=0)
        shutil.rmtree(short, ignore_errors=True)
    short.mkdir()

    result = run_doctor(course_copy, JUPYTER_RUNTIME_DIR=str(deep), **env)
    assert result.returncode != 0, result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("FAIL kernel transport"))
    assert "ipc" in line and str(config / "jupyter_server_config.json") in line
    assert "no kernel can start" in line and "Fix: point JUPYTER_RUNTIME_DIR at a shorter folder" in line

    result = run_doctor(course_copy, JUPYTER_RUNTIME_DIR=str(short), **env)
    shutil.rmtree(short, ignore_errors=True)
    assert result.returncode == 0, result.stdout
    row = next(x for x in result.stdout.splitlines() if x.startswith("kernel transport"))
    assert " ok " in row and "ipc (" in row
