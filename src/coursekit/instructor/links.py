"""``coursekit links``: links that open each module on a JupyterHub (nbgitpuller) or on Binder.

nbgitpuller link (the format of its own link generator)::

    HUB/hub/user-redirect/git-pull?repo=REPO&urlpath=lab%2Ftree%2FFOLDER%2Fnotebooks%2FNN_x.ipynb&branch=B

nbgitpuller clones REPO into the user's home under FOLDER, the last segment of the repository
address (``https://github.com/o/coursekit`` -> ``coursekit``); without ``branch`` it uses the
repository's default branch. Values are percent-encoded (RFC 3986: only ``A-Z a-z 0-9 - _ . ~`` stay).

Binder link: ``https://mybinder.org/v2/gh/OWNER/REPO/REF?labpath=notebooks%2FNN_x.ipynb``
(``gl/`` for gitlab.com, ``git/`` with the encoded address elsewhere; REF defaults to HEAD).

Both links give every student a full clone of the repository. The table is made from the
course folder the command runs in, taken to be what the repository holds: when that folder
holds the answer key of an assessed bank (anywhere, under any name), the command refuses,
since every student could read the key. Point ``--repo`` at a repository made from a student
release, or pass ``private_repo=True`` (``--private-repo``) for a repository students cannot read.

``--repo`` may also be ``file:///absolute/path`` to a repository on the hub machine's own disk
(a shared course folder; the hub test uses one): the hub link works, Binder cannot reach it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

from coursekit.instructor.common import (
    InstructorError,
    assessed_keys,
    load_course_at,
    resolve_root,
    select_modules,
)

BINDER = "https://mybinder.org/v2"


def _enc(value: str) -> str:
    return quote(value, safe="")


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InstructorError(f"{what} {url!r} is not an http(s) address. Fix: give the full address, "
                              f"e.g. https://github.com/OWNER/REPO for --repo.")
    return url.strip().rstrip("/")


def _check_repo(repo: str) -> str:
    """An http(s) address, or a ``file:///absolute/path`` on the hub machine."""
    parts = urlsplit(repo.strip())
    if parts.scheme == "file":
        if parts.netloc or not parts.path.startswith("/") or parts.path.strip("/") == "":
            raise InstructorError(f"--repo {repo!r}: a local repository must be file:///ABSOLUTE/PATH "
                                  "(three slashes).")
        return repo.strip().rstrip("/")
    return _check_url(repo, "--repo")


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into (the last segment of the address)."""
    return _check_repo(repo).split("/")[-1]


def nbgitpuller_url(hub: str, repo: str, notebook: str, branch: str | None = None) -> str:
    """A link that clones (or updates) ``repo`` on ``hub`` and opens ``notebooks/<notebook>`` in JupyterLab."""
    hub = _check_url(hub, "--hub")
    if hub.endswith("/hub"):
        hub = hub[: -len("/hub")]
    repo = _check_repo(repo)
    urlpath = f"lab/tree/{repo_folder(repo)}/notebooks/{notebook}"
    url = f"{hub}/hub/user-redirect/git-pull?repo={_enc(repo)}&urlpath={_enc(urlpath)}"
    if branch:
        url += f"&branch={_enc(branch)}"
    return url


def binder_url(repo: str, notebook: str, branch: str | None = None) -> str:
    """A mybinder.org link that builds ``repo`` at ``branch`` (default HEAD) and opens the notebook."""
    repo = _check_url(repo, "--repo")
    parts = urlsplit(repo)
    ref = _enc(branch or "HEAD")
    path = parts.path.strip("/").removesuffix(".git")
    host = parts.netloc.lower()
    if host in ("github.com", "www.github.com"):
        segments = path.split("/")
        if len(segments) != 2:
            raise InstructorError(f"--repo {repo!r} should be https://github.com/OWNER/REPO.")
        spec = f"gh/{segments[0]}/{segments[1]}/{ref}"
    elif host == "gitlab.com":
        spec = f"gl/{_enc(path)}/{ref}"
    else:
        spec = f"git/{_enc(repo)}/{ref}"
    return f"{BINDER}/{spec}?labpath={_enc('notebooks/' + notebook)}"


def check_no_assessed_keys(root: Path, repo: str) -> None:
    """Refuse (with the fix) when the course folder holds the key of an assessed bank."""
    keys = assessed_keys(root)
    if keys:
        shown = ", ".join(keys[:6]) + (f" and {len(keys) - 6} more" if len(keys) > 6 else "")
        raise InstructorError(
            f"{root} holds the answer key of an assessed quiz ({shown}); links to {repo} give every "
            "student a clone of the repository, key included. Fix: publish a student release instead "
            "(coursekit release --out student/, pushed to its own repository) and give that repository "
            "as --repo, or, if students cannot read this repository, pass --private-repo.")


def links_table(hub: str, repo: str, branch: str | None = None, modules: list[str] | None = None,
                root: str | Path | None = None, *, private_repo: bool = False) -> str:
    """A Markdown table with a JupyterHub and a Binder link per available module.

    Refuses when the course folder holds an assessed key, unless ``private_repo``.
    """
    root_path = resolve_root(root)
    if not private_repo:
        check_no_assessed_keys(root_path, repo)
    course = load_course_at(root_path)
    lines = ["| # | Module | JupyterHub | Binder |", "|---|---|---|---|"]
    for m in select_modules(course, modules):
        hub_link = nbgitpuller_url(hub, repo, m.notebook, branch)
        local = urlsplit(repo.strip()).scheme == "file"
        binder = "(local repository)" if local else f"[open on Binder]({binder_url(repo, m.notebook, branch)})"
        title = m.title.replace("|", "\\|")
        lines.append(f"| {m.id} | {title} | [open on the hub]({hub_link}) | {binder} |")
    return "\n".join(lines)


_BINDER_FILES = ("environment.yml", "requirements.txt", "postBuild", "binder/environment.yml",
                 "binder/requirements.txt", "binder/postBuild", ".binder/environment.yml",
                 ".binder/requirements.txt", ".binder/postBuild")


def binder_note(root: str | Path | None = None) -> str | None:
    """Why Binder links to this course folder's repository would not start the kit, or None.

    Binder builds from the repository's own configuration files. The kit's checkout installs
    itself (``environment.yml`` and ``postBuild`` with ``src/``); a student release has neither
    the files nor ``src/``, so its Binder links open a Jupyter without the kit."""
    root_path = resolve_root(root)
    if (root_path / "src" / "coursekit").is_dir():
        return None
    for name in _BINDER_FILES:
        path = root_path / name
        if path.is_file() and "coursekit" in path.read_text(encoding="utf-8", errors="replace"):
            return None
    return ("note: Binder cannot install the kit from this folder's repository: it has no src/ and no "
            "environment.yml, requirements.txt or postBuild (in binder/ or at the top) that installs coursekit. "
            "Fix: add binder/requirements.txt with the line `coursekit @ git+URL` (the kit's source "
            "repository), or give students the hub links only.")
