import subprocess
import sys

from coursekit import manifest


def run_doctor(root):
    env = {"COURSEKIT_ROOT": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "coursekit.cli", "doctor"], env=env,
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


def test_doctor_names_a_deleted_file_and_the_fix(course_copy):
    manifest.write(course_copy / "data")
    (course_copy / "data" / "essay_dating.csv").unlink()
    result = run_doctor(course_copy)
    assert result.returncode != 0
    line = next(x for x in result.stdout.splitlines() if "essay_dating.csv" in x)
    assert "missing" in line and "git checkout -- data/essay_dating.csv" in line


def test_doctor_names_an_edited_file_and_the_fix(course_copy):
    manifest.write(course_copy / "data")
    path = course_copy / "data" / "course.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 30", "minutes: 35"),
                    encoding="utf-8")
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
    manifest.write(course_copy / "data")
    (course_copy / "notebooks" / "00_start_here.ipynb").unlink()
    result = run_doctor(course_copy)
    assert result.returncode != 0
    assert "git checkout -- notebooks/00_start_here.ipynb" in result.stdout
