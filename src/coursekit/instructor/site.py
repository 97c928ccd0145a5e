"""``coursekit site``: the course as a static, offline website.

Every available module is executed in a fresh kernel (progress goes to a throw-away
database, never to ``~/.coursekit``) and rendered to HTML with nbconvert's ``lab``
template, minus everything that would load from the network (require.js, MathJax, mermaid,
the widget manager). Then:

- each quiz (``quiz.show("NN")``) becomes readable HTML built from its bank: formative
  answers behind ``<details><summary>Show answer</summary>``, assessed questions with no
  answer (their key is never loaded);
- other widget outputs keep their HTML fallback (or a note to run the notebook in Jupyter),
  and saved widget state is dropped, so no page says "Error displaying widget";
- cells tagged ``solution`` sit behind a "Show worked answer" disclosure (``hide_solutions``
  drops them as in the student release);
- figures from :func:`coursekit.figures.show` keep their alt text; a bare matplotlib image
  gets a generic alt text and a warning;
- ``index.html`` lists the modules; ``glossary.html`` renders ``data/glossary.yml``, and the
  notebooks' links to ``docs/glossary.md`` point at it.

Every page is checked: no http(s) script or style, no widget JSON, every ``<img>`` with alt text.
Maths in Markdown shows as TeX source (MathJax would need the network).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.course import Course, Module
from coursekit.errors import KitError
from coursekit.instructor.common import (
    cell_tags,
    guard_out_dir,
    load_course_at,
    reset_dir,
    resolve_root,
    select_modules,
)
from coursekit.instructor.sanitise import (  # noqa: F401 (re-exported)
    NO_ALT_PROBLEM,
    WIDGET_STATE,
    WIDGET_VIEW,
    check_page,
    expand_details,
    safe_href,
    sanitise_html,
)

MARKER = ".coursekit-site"
NO_ALT = "Figure without a description (the notebook did not give one)."
WIDGET_NOTE = "<p><em>Interactive control: open this notebook in Jupyter to use it.</em></p>"
_QUIZ_CALL = re.compile(r"""\bshow\(\s*["'](\d{2})(?:/([a-z0-9][a-z0-9_-]*))?["']""")

PAGE_CSS = """
.ck-nav{font-family:system-ui,sans-serif;padding:0.6em 1em;border-bottom:1px solid #ccc;margin-bottom:1em}
.ck-nav a{margin-right:1.5em}
details.ck-solution{border:1px dashed #888;border-radius:6px;padding:0.3em 0.8em;margin:0.5em 0}
details.ck-solution>summary{cursor:pointer;font-weight:600;
  font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:var(--jp-content-font-size1,14px)}
/* Accessibility (axe-core, WCAG AA): links are underlined, not told apart by colour alone;
   prompts and code tokens get at least 4.5:1 contrast on their backgrounds. */
.jp-RenderedHTMLCommon a, .jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited, .ck-nav a{
  text-decoration:underline !important}
.jp-InputPrompt, .jp-OutputPrompt{color:#4a4a4a !important;opacity:1 !important}
.highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs{color:#4f5b4f !important}
.highlight .ow, .highlight .o{color:#6b2c91 !important}
.highlight .mi, .highlight .mf, .highlight .m, .highlight .mh, .highlight .mo{color:#1e5a1e !important}
"""

TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}<style type="text/css">{{ resources.coursekit.css }}</style>{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
<nav class="ck-nav" aria-label="Course"><a href="index.html">&larr; All modules</a>
{%- if resources.coursekit.prev %}<a href="{{ resources.coursekit.prev }}">Previous module</a>{% endif -%}
{%- if resources.coursekit.next %}<a href="{{ resources.coursekit.next }}">Next module</a>{% endif -%}
</nav>
{%- endblock body_header -%}
{%- block data_widget_view scoped %}{%- endblock data_widget_view -%}
{% block any_cell scoped %}
{%- if 'solution-pointer' in cell.metadata.get('tags', []) -%}
{#- the notebook's "click to show" line: the page has its own disclosure -#}
{%- elif 'solution' in cell.metadata.get('tags', []) -%}
<details class="ck-solution"><summary>Show worked answer</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock any_cell %}
"""


class SiteError(KitError, RuntimeError):
    """A module could not be built (the message names the notebook and cell)."""


@dataclass
class SiteReport:
    out: Path
    pages: dict[str, Path] = field(default_factory=dict)  # module id -> page
    failed: dict[str, str] = field(default_factory=dict)  # module id -> reason
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Course site in {self.out}: {len(self.pages)} module page(s) and index.html."]
        lines += [f"  FAIL module {m}: {why}" for m, why in sorted(self.failed.items())]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# --- execution -------------------------------------------------------------------------------


@contextmanager
def _env(**values: str) -> Iterator[None]:
    """Environment variables for the kernels started inside the block."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute(nb: Any, cwd: Path, *, timeout: int = 600) -> None:
    """Run every cell of ``nb`` in a fresh python3 kernel (in place); raises :class:`SiteError`."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from coursekit.kernels import kernel_manager_class

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(cwd)}}, kernel_manager_class=kernel_manager_class())
    try:
        client.execute()
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = f"cell {index + 1}" if index is not None else "a cell"
        raise SiteError(f"{where} raised {exc.ename}: {exc.evalue}. Fix: run the notebook in JupyterLab "
                        "(Restart and Run All) and correct that cell.") from None
    except Exception as exc:  # noqa: BLE001 - a dead kernel, a timeout: report, do not crash the build
        raise SiteError(f"the notebook could not be executed ({type(exc).__name__}: {exc}).") from None


# --- outputs -------------------------------------------------------------------------------


class _Banks:
    """Quiz banks of the course, loaded once; assessed banks without their keys."""

    def __init__(self, root: Path) -> None:
        from coursekit.sources import load_sources

        self.root = root
        self.sources = load_sources(root / "data" / "sources.yml")
        self._cache: dict[str, Any] = {}

    def html(self, module: str, qid: str | None) -> str:
        from coursekit.instructor.quiz_html import bank_html
        from coursekit.quiz.bank import load_bank

        if module not in self._cache:
            path = self.root / "data" / "quizzes" / f"{module}.yml"
            bank = load_bank(path, keys=False, known_sources=self.sources)
            if bank.mode == "formative":
                bank = load_bank(path, keys=None, known_sources=self.sources)
            self._cache[module] = bank
        bank = self._cache[module]
        questions = [bank.question(qid)] if qid else None
        return bank_html(bank, questions, self.sources)


def _img_html(data: dict[str, Any]) -> str | None:
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            payload = data[mime]
            if isinstance(payload, list):
                payload = "".join(payload)
            payload = payload.strip() if isinstance(payload, str) else base64.b64encode(payload).decode()
            payload = html.escape(re.sub(r"[^A-Za-z0-9+/=\s]", "", payload), quote=True)  # base64 only
            return (f'<img src="data:{mime};base64,{payload}" alt="{html.escape(NO_ALT, quote=True)}" '
                    'style="max-width:100%;height:auto"/>')
    return None


def normalise(nb: dict[str, Any]) -> dict[str, Any]:
    """Repair what hand edits leave behind (no cell metadata, tags that are not a list), in place."""
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
    for cell in nb.get("cells", []):
        tags = cell_tags(cell)
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
        if "tags" in cell["metadata"]:
            cell["metadata"]["tags"] = tags
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return nb


def prepare_outputs(nb: Any, banks: _Banks, name: str) -> list[str]:
    """Make an executed notebook static (in place); returns warnings."""
    warnings: list[str] = []
    nb.metadata.pop("widgets", None)
    for n, cell in enumerate(nb.cells, start=1):
        tags = cell_tags(cell)
        if tags:
            cell.metadata["tags"] = tags
        if cell.cell_type == "markdown" and "<details" in cell.source:
            cell.source = expand_details(cell.source)
        if cell.cell_type != "code":
            continue
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        calls = _QUIZ_CALL.findall(source) if "quiz" in source else []
        outputs = []
        widgets_seen = 0
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not isinstance(data, dict):
                outputs.append(out)
                continue
            if WIDGET_VIEW in data:
                if widgets_seen < len(calls):
                    module, qid = calls[widgets_seen]
                    widgets_seen += 1
                    out = {"output_type": "display_data", "metadata": {},
                           "data": {"text/html": banks.html(module, qid or None),
                                    "text/plain": f"Quiz {module}{'/' + qid if qid else ''}"}}
                    outputs.append(_node(out))
                    continue
                data.pop(WIDGET_VIEW)
                data.setdefault("text/html", WIDGET_NOTE)
            if "text/html" not in data and "image/svg+xml" not in data:
                img = _img_html(data)
                if img:
                    data["text/html"] = img
                    warnings.append(f"{name} cell {n}: a figure without alt text; display it with "
                                    "coursekit.figures.show(fig, alt=...)")
            outputs.append(out)
        if "outputs" in cell:
            cell.outputs = outputs
    return warnings


def _node(d: dict[str, Any]) -> Any:
    import nbformat

    return nbformat.from_dict(d)


# --- rendering -----------------------------------------------------------------------------


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"coursekit_site.html.j2": TEMPLATE})],
                        template_file="coursekit_site.html.j2", embed_images=True)


def render(nb: Any, name: str, nb_dir: Path, *, prev: str | None = None, next_: str | None = None) -> str:
    """An executed, prepared notebook as one self-contained HTML page."""
    from coursekit.instructor.quiz_html import CSS

    resources = {"metadata": {"name": name, "path": str(nb_dir)},
                 "coursekit": {"css": PAGE_CSS + CSS, "prev": prev, "next": next_}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def index_html(course: Course, pages: dict[str, Path], failed: dict[str, str]) -> str:
    """The home page: every module, with a link when its page was built."""
    items = []
    for m in course.modules:
        title = html.escape(f"{m.id} · {m.title}")
        if m.id in pages:
            head = f'<a href="{html.escape(pages[m.id].name, quote=True)}">{title}</a>'
        elif m.id in failed:
            head = f"{title} <em>(not built: see the build log)</em>"
        else:
            head = f"{title} <em>({'in preparation' if not m.available else 'not built'})</em>"
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in m.objectives)
        items.append(f"<li>{head} <span class='ck-min'>· {m.minutes} min</span><ul>{objectives}</ul></li>")
    title = html.escape(course.title)
    essay_href = safe_href(course.essay_url) if course.essay_url.lower().startswith(("http:", "https:")) else None
    essay = (f'<a href="{html.escape(essay_href, quote=True)}">read the\nessay</a>' if essay_href
             else "read the essay")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1.0"/>
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.5}}
ol.ck-modules>li{{margin:0.8em 0}} .ck-min{{color:#555}}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>A course built around one opinion essay ({essay}). These pages show each module run once;
to run the code, answer the quizzes and keep your progress, open the notebooks in Jupyter.</p>
<ol class="ck-modules">
{"".join(items)}
</ol>
<p>Terms the modules use are explained in the <a href="glossary.html">glossary</a>.</p>
<p><small>Built with coursekit {__version__}.</small></p>
</main>
</body>
</html>
"""


# --- the command ---------------------------------------------------------------------------


def _page_name(m: Module) -> str:
    return Path(m.notebook).with_suffix(".html").name


def _build_page(m: Module, i: int, names: list[str], nb_dir: Path, banks: _Banks, *, timeout: int,
                hide_solutions: bool, run: bool = True) -> tuple[str, list[str]]:
    """Execute (unless ``run`` is False), prepare and render one module; returns the page and its
    warnings (raises SiteError)."""
    import nbformat

    from coursekit.instructor.release import read_notebook, strip_notebook

    try:
        raw = read_notebook(nb_dir / m.notebook)
        if hide_solutions:
            raw, _ = strip_notebook(raw, m.notebook)
        nb = nbformat.reads(json.dumps(normalise(raw)), as_version=4)
    except (OSError, ValueError) as exc:
        raise SiteError(str(exc)) from None
    nb.metadata["title"] = f"{m.id} · {m.title}"
    if run:
        execute(nb, nb_dir, timeout=timeout)
    warnings = prepare_outputs(nb, banks, m.notebook)
    page = render(nb, Path(m.notebook).stem, nb_dir, prev=names[i - 1] if i else None,
                  next_=names[i + 1] if i + 1 < len(names) else None)
    return page, warnings


def build_site(out: str | Path, modules: list[str] | None = None, root: str | Path | None = None, *,
               timeout: int = 600, hide_solutions: bool = False, show_progress: bool = True,
               jobs: int = 1, run: bool = True) -> SiteReport:
    """Execute and render every available module (or ``modules``) into ``out``.

    ``jobs`` notebooks run at once (each in its own kernel). A module that fails is reported
    in ``failed`` and listed as not built; the others are still built. ``run=False`` renders
    the notebooks as stored, without running them (a quick preview of text and layout: no
    figures, no quiz text).
    """
    from concurrent.futures import ThreadPoolExecutor

    from coursekit.progressbar import track

    root_path = resolve_root(root)
    out_path = guard_out_dir(out, root_path, marker=MARKER)
    course = load_course_at(root_path)
    chosen = select_modules(course, modules)
    reset_dir(out_path)
    (out_path / MARKER).write_text("Written by `coursekit site`; re-running the command replaces this folder.\n",
                                   encoding="utf-8")
    report = SiteReport(out=out_path)
    nb_dir = root_path / "notebooks"
    banks = _Banks(root_path)
    names = [_page_name(m) for m in chosen]

    def one(i: int) -> tuple[str | None, list[str], str | None]:
        m = chosen[i]
        if show_progress:
            print(f"building {m.id} {m.title} ...", file=sys.stderr, flush=True)
        try:
            page, warnings = _build_page(m, i, names, nb_dir, banks, timeout=timeout,
                                         hide_solutions=hide_solutions, run=run)
        except SiteError as exc:
            return None, [], f"notebooks/{m.notebook}: {exc}"
        return page, warnings, None

    with tempfile.TemporaryDirectory(prefix="coursekit-site-") as tmp:
        env = {"COURSEKIT_ROOT": str(root_path), "COURSEKIT_PROGRESS_DB": str(Path(tmp) / "progress.sqlite"),
               "COURSEKIT_LEARNER": "course-site"}
        with _env(**env), ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(track(pool.map(one, range(len(chosen))), "building the site", total=len(chosen),
                                 enabled=show_progress, unit="module"))
    for i, (m, (page, warnings, failure)) in enumerate(zip(chosen, results, strict=True)):
        report.warnings += warnings
        if page is None:
            report.failed[m.id] = failure or "not built"
            continue
        for problem in check_page(page):
            if problem.startswith(NO_ALT_PROBLEM):
                report.warnings.append(f"{names[i]}: {problem}")
            else:
                report.failed.setdefault(m.id, f"{names[i]}: {problem}")
        target = out_path / names[i]
        target.write_text(glossary_links(page), encoding="utf-8")
        report.pages[m.id] = target
    (out_path / "index.html").write_text(index_html(course, report.pages, report.failed), encoding="utf-8")
    (out_path / GLOSSARY_PAGE).write_text(glossary_html(course.title), encoding="utf-8")
    return report


GLOSSARY_PAGE = "glossary.html"


def glossary_links(page: str) -> str:
    """Point the notebooks' glossary links (``../docs/glossary.md#term``) at the site's glossary page."""
    from coursekit.glossary import LINK_PREFIX

    return page.replace(f'href="{LINK_PREFIX}', f'href="{GLOSSARY_PAGE}#')


def glossary_html(title: str) -> str:
    """The glossary page of the site, from data/glossary.yml."""
    from coursekit.glossary import load_glossary, to_html
    from coursekit.sources import load_sources

    body = to_html(load_glossary(), load_sources())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1.0"/>
<title>Glossary · {html.escape(title)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.5}}
dt{{font-weight:bold;margin-top:1em}} dd{{margin-left:1.5em}} .ck-cite{{color:#555;font-size:0.9em}}
</style>
</head>
<body>
<nav aria-label="Course"><a href="index.html">&larr; All modules</a></nav>
<main>
<h1>Glossary</h1>
{body}
</main>
</body>
</html>
"""
