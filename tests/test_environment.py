"""environment.yml (what Binder builds) declares every runtime dependency of pyproject.toml."""

import re
import tomllib

import yaml

from tests.conftest import REPO

# conda-forge names for PyPI packages whose names differ
CONDA_NAMES = {"matplotlib": "matplotlib-base", "geopandas": "geopandas-base"}


def test_binder_environment_lists_the_runtime_dependencies():
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    wanted = {CONDA_NAMES.get(n, n) for n in (re.split(r"[<>=!~ ;\[]", d)[0].strip().lower() for d in deps)}
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    listed = {re.split(r"[<>=! ]", d)[0].strip().lower() for d in env["dependencies"] if isinstance(d, str)}
    assert not wanted - listed, f"environment.yml lacks {sorted(wanted - listed)} (Binder would not install them)"


def test_widget_pins_match_the_lock_file():
    """The ipywidgets trio is pinned to the same versions for Binder as for pip installs."""
    lock = dict(line.split("==") for line in (REPO / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    env = (REPO / "environment.yml").read_text(encoding="utf-8")
    for name in ("ipywidgets", "jupyterlab_widgets", "widgetsnbextension", "jupyterlab", "anywidget"):
        assert f"- {name}={lock[name]}" in env, f"{name} in environment.yml must equal constraints.txt ({lock[name]})"
