"""environment.yml (what Binder builds) installs what CI tests: every pin equals constraints.txt."""

import re
import tomllib

import yaml

from tests.conftest import REPO

# conda-forge names for PyPI packages whose names differ
CONDA_NAMES = {"matplotlib": "matplotlib-base", "geopandas": "geopandas-base", "nbconvert": "nbconvert-core"}
PYPI_NAMES = {conda: pypi for pypi, conda in CONDA_NAMES.items()}
NOT_FROM_THE_LOCK = {"python", "pip"}  # the interpreter and installer, not packages pip installs


def _lock() -> dict[str, str]:
    lines = (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return {name.lower().replace("_", "-"): version
            for name, version in (x.split("==") for x in lines if "==" in x and not x.startswith("#"))}


def _environment() -> list[str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    return [d for d in env["dependencies"] if isinstance(d, str)]


def test_binder_environment_lists_the_runtime_dependencies():
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    wanted = {CONDA_NAMES.get(n, n) for n in (re.split(r"[<>=!~ ;\[]", d)[0].strip().lower() for d in deps)}
    listed = {re.split(r"[<>=! ]", d)[0].strip().lower() for d in _environment()}
    assert not wanted - listed, f"environment.yml lacks {sorted(wanted - listed)} (Binder would not install them)"
    assert "nbconvert" not in listed, "use nbconvert-core: conda-forge's nbconvert also installs pandoc"


def test_every_binder_pin_equals_the_lock_file():
    lock = _lock()
    wrong = []
    for entry in _environment():
        name, _, version = entry.partition("=")
        if name in NOT_FROM_THE_LOCK:
            continue
        pypi = PYPI_NAMES.get(name, name).lower().replace("_", "-")
        if pypi not in lock:
            wrong.append(f"{entry}: {pypi} is not in constraints.txt")
        elif version != lock[pypi]:
            wrong.append(f"{entry}: constraints.txt has {pypi}=={lock[pypi]}; write {name}={lock[pypi]}")
    assert not wrong, "environment.yml must pin what CI tests:\n" + "\n".join(wrong)


def test_postbuild_installs_this_kit_without_changing_the_pins():
    post = REPO / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable (repo2docker runs it directly)"
    assert "pip install --no-deps -e ." in post.read_text(encoding="utf-8")


def test_the_zero_to_jupyterhub_example_sets_resources_and_culling():
    """docs/zero-to-jupyterhub-config.yaml is valid YAML with what README's "Sizing a hub" promises."""
    cfg = yaml.safe_load((REPO / "docs" / "zero-to-jupyterhub-config.yaml").read_text(encoding="utf-8"))
    user = cfg["singleuser"]
    assert user["memory"] == {"guarantee": "450M", "limit": "1G"}
    assert user["cpu"]["guarantee"] == 0.25
    server = user["extraFiles"]["coursekit-server-config"]["data"]
    assert server["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert server["KernelManager"]["transport_encryption"] == "auto"
    assert cfg["cull"]["enabled"] is True and cfg["cull"]["timeout"] > 0
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "guarantee of 450 MB** and a **limit of 1 GB" in readme
