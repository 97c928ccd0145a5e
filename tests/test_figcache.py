"""The figure cache: a figure drawn once is shown again from its PNG, and only when nothing that
decides the picture has changed (coursekit.figcache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from coursekit import figcache, maps  # noqa: E402
from coursekit.figures import render  # noqa: E402
from coursekit.timeline import load_timeline, plot_timeline  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def own(tmp_path, monkeypatch):
    folder = tmp_path / "figures"
    monkeypatch.setenv(figcache.ENV, str(folder))
    monkeypatch.delenv(figcache.SHARED_ENV, raising=False)
    return folder


def entries(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def drawn(kit) -> bool:
    """Whether the recipe drew this figure (a figure from the cache arrives without a drawing)."""
    return kit._figure is not None


def test_a_second_call_shows_the_same_png_without_drawing(own):
    first = maps.exercise_estimates_chart("Zapad 2021")
    assert drawn(first)
    png = render(first).png
    assert len(entries(own)) == 1
    figures_before = plt.get_fignums()
    again = maps.exercise_estimates_chart(name="Zapad 2021")  # the same call, written differently
    assert not drawn(again) and plt.get_fignums() == figures_before
    assert render(again).png == png
    assert (again.alt, again.sources, again.note) == (first.alt, first.sources, first.note)
    other = maps.exercise_estimates_chart("Zapad 2017")  # other arguments: drawn
    assert drawn(other)


def test_asking_a_cached_figure_for_its_drawing_draws_it(own):
    render(maps.exercise_estimates_chart("Zapad 2021"))
    kit = maps.exercise_estimates_chart("Zapad 2021")
    assert not drawn(kit)
    assert kit.ax.get_xscale() == "log"  # drawn now, to be added to
    kit.ax.set_title("Changed by the student")
    assert b"" != render(kit).png
    assert len(entries(own)) == 1, "a changed figure is not kept"


def test_a_figure_changed_before_it_is_shown_is_not_kept(own):
    kit = maps.exercise_estimates_chart("Zapad 2021")
    kit.ax.set_title("Changed by the student")
    render(kit)
    assert entries(own) == []
    assert drawn(maps.exercise_estimates_chart("Zapad 2021"))


def test_an_edit_to_the_course_data_is_drawn_anew(own, course_copy):
    first = maps.exercise_estimates_chart("Zapad 2017")
    render(first)
    assert not drawn(maps.exercise_estimates_chart("Zapad 2017"))
    table = course_copy / "data" / "exercises.csv"
    text = table.read_text(encoding="utf-8")
    assert ",official,12700," in text
    table.write_text(text.replace(",official,12700,", ",official,12800,", 1), encoding="utf-8")
    kit = maps.exercise_estimates_chart("Zapad 2017")
    assert drawn(kit) and "12,800" in kit.alt and "12,800" not in first.alt


def test_a_student_release_finds_the_figures_warmed_from_the_instructors_copy(own, tmp_path, monkeypatch):
    from coursekit.instructor.release import release
    from tests.conftest import use_course

    render(maps.exercise_estimates_chart("Zapad 2021"))
    out = tmp_path / "student"
    release(out, root=REPO, modules=["04"])
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "data").rglob("*") if p.is_file()}

    assert files(REPO) != files(out), "the release rewrites some of data/ (course.yml, manifest, keys)"
    use_course(monkeypatch, out)
    assert not drawn(maps.exercise_estimates_chart("Zapad 2021"))


def test_matplotlib_settings_are_part_of_the_key(own):
    render(maps.exercise_estimates_chart("Zapad 2021"))
    with plt.rc_context({"font.size": 14}):
        assert drawn(maps.exercise_estimates_chart("Zapad 2021"))
    assert not drawn(maps.exercise_estimates_chart("Zapad 2021"))


def test_library_versions_in_the_key_are_the_installed_ones(monkeypatch):
    """Read from loaded modules or from package metadata, the key's versions are the same: a
    kernel that imported the libraries in another order finds the same entries."""
    from importlib.metadata import version

    installed = ",".join(f"{lib}={version(lib)}" for lib in figcache._LIBRARIES)
    figcache._versions.cache_clear()
    assert figcache._versions() == installed
    figcache._versions.cache_clear()
    monkeypatch.setattr(figcache, "_MODULES", {lib: "no-such-module" for lib in figcache._LIBRARIES})
    assert figcache._versions() == installed
    figcache._versions.cache_clear()


def test_a_table_passed_in_counts_by_its_content(own):
    df = load_timeline()
    render(plot_timeline(df, start="2019-01-01", end="2021-12-31"))
    assert not drawn(plot_timeline(df.copy(), start="2019-01-01", end="2021-12-31"))
    changed = df.copy()
    changed.loc[changed.index[0], "label"] = "Another label"
    assert drawn(plot_timeline(changed, start="2019-01-01", end="2021-12-31"))


def test_a_call_that_draws_on_given_axes_is_never_cached(own):
    fig, ax = plt.subplots()
    kit = maps.base_map(ax=ax)
    render(kit)
    assert entries(own) == []


def capitals(names=("Vilnius", "Minsk", "Warsaw")):
    from coursekit import geo
    from coursekit.datasets import load_places

    places = load_places()
    return geo.points_gdf(places[places["name"].isin(names)])


def with_capitals(points, **kwargs):
    kit = maps.base_map(extent=(19, 49, 39, 60), title="Capitals")
    maps.add_points(kit, points, label="Capital", text="name", **kwargs)
    return kit


def never_rendered(monkeypatch):
    from coursekit import figures

    def rendered(*args, **kwargs):
        raise AssertionError("rendered, not read from the cache")

    monkeypatch.setattr(figures, "_png_of_exact", rendered)
    monkeypatch.setattr(figures, "_png_of_tight", rendered)


def test_a_map_with_a_point_layer_is_shown_again_without_drawing(own, monkeypatch):
    first = with_capitals(capitals())
    png = render(first).png
    assert len(entries(own)) == 2, "kept: the map alone, and the map with its layer"
    with monkeypatch.context() as patch:
        never_rendered(patch)
        again = with_capitals(capitals())
        assert not drawn(again), "the map and its layer, both from the cache: nothing drawn"
        assert render(again).png == png
    alone = render(maps.base_map(extent=(19, 49, 39, 60), title="Capitals")).png
    for entry in own.glob("*.png"):
        if entry.read_bytes() == alone:  # the map alone pruned: it is drawn, its layer read
            entry.unlink()
            entry.with_suffix(".json").unlink()
    open_before = plt.get_fignums()
    with monkeypatch.context() as patch:
        never_rendered(patch)
        assert render(with_capitals(capitals())).png == png
    assert plt.get_fignums() == open_before, "the map drawn for nothing is closed (Jupyter would show it too)"
    plain = maps.base_map.uncached(extent=(19, 49, 39, 60), title="Capitals")
    maps.add_points(plain.ax, capitals(), label="Capital", text="name")  # drawn as before the cache
    assert render(plain).png == png, "the layer from the cache is the layer drawn on the axes"
    assert render(maps.base_map(extent=(19, 49, 39, 60), title="Capitals")).png != png, "the map alone is its own entry"


def test_a_layer_with_other_points_or_settings_is_drawn_anew(own):
    png = render(with_capitals(capitals())).png
    fewer = with_capitals(capitals(("Vilnius", "Minsk")))
    assert render(fewer).png != png
    moved = capitals()
    moved.loc[moved.index[0], "geometry"] = moved.geometry.iloc[1]  # a point moved: another table
    assert render(with_capitals(moved)).png != png
    assert render(with_capitals(capitals(), marker="s")).png != png
    assert render(with_capitals(capitals())).png == png


def test_a_cached_map_with_a_layer_draws_base_and_layer_when_its_drawing_is_asked_for(own):
    render(with_capitals(capitals()))
    kit = with_capitals(capitals())
    assert not drawn(kit)
    ax = kit.ax  # drawn now: the base map, then the layer
    assert {t.get_text() for t in ax.texts} >= {"Vilnius", "Minsk", "Warsaw"}
    assert "Capital" in [t.get_text() for t in kit.figure.legends[0].get_texts()]


def test_a_layer_on_a_figure_changed_by_hand_is_drawn_and_not_kept(own):
    kit = maps.base_map(extent=(19, 49, 39, 60), title="Capitals")
    kit.ax.set_title("Changed by the student")
    maps.add_points(kit, capitals(), label="Capital", text="name")
    render(kit)
    assert entries(own) == []


@pytest.mark.parametrize("damage", ["truncated png", "png of another figure", "json not json", "json extra field",
                                    "json without alt", "json only"])
def test_a_damaged_entry_is_drawn_anew_and_replaced(own, damage):
    png = render(maps.exercise_estimates_chart("Zapad 2021")).png
    (key,) = entries(own)
    meta_path, png_path = own / f"{key}.json", own / f"{key}.png"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if damage == "truncated png":
        png_path.write_bytes(png[: len(png) // 2])
    elif damage == "png of another figure":
        png_path.write_bytes(render(maps.exercise_estimates_chart("Zapad 2017")).png)
    elif damage == "json not json":
        meta_path.write_text("{not json", encoding="utf-8")
    elif damage == "json extra field":
        meta_path.write_text(json.dumps({**meta, "script": "rm -rf ~"}), encoding="utf-8")
    elif damage == "json without alt":
        meta_path.write_text(json.dumps({**meta, "alt": ""}), encoding="utf-8")
    else:
        png_path.unlink()
    kit = maps.exercise_estimates_chart("Zapad 2021")
    assert drawn(kit)
    assert render(kit).png == png
    assert png_path.read_bytes() == png and json.loads(meta_path.read_text(encoding="utf-8")) == meta


def test_a_shared_folder_is_read_and_never_written(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    monkeypatch.setenv(figcache.ENV, str(shared))
    render(maps.exercise_estimates_chart("Zapad 2021"))
    before = {p.name: p.stat().st_mtime_ns for p in shared.iterdir()}
    own = tmp_path / "own"
    monkeypatch.setenv(figcache.ENV, str(own))
    monkeypatch.setenv(figcache.SHARED_ENV, f"{tmp_path / 'missing'}{os.pathsep}{shared}")
    assert not drawn(maps.exercise_estimates_chart("Zapad 2021"))
    render(maps.exercise_estimates_chart("Zapad 2017"))  # drawn: kept in the student's own folder only
    assert {p.name: p.stat().st_mtime_ns for p in shared.iterdir()} == before
    assert len(entries(own)) == 1


def test_off_keeps_nothing_anywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(figcache.ENV, "off")
    render(maps.exercise_estimates_chart("Zapad 2021"))
    assert drawn(maps.exercise_estimates_chart("Zapad 2021"))
    assert list(tmp_path.rglob("*.png")) == []


def test_the_own_folder_defaults_to_the_users_cache_and_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv(figcache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert figcache.folders() == (tmp_path / "cache" / "coursekit" / "figures", ())
    render(maps.exercise_estimates_chart("Zapad 2021"))
    folder = tmp_path / "cache" / "coursekit" / "figures"
    assert len(entries(folder)) == 1 and folder.stat().st_mode & 0o077 == 0
    assert all(p.stat().st_mode & 0o077 == 0 for p in folder.iterdir()), "other users cannot read it"


def test_a_folder_that_cannot_be_written_is_reported_once_and_figures_still_show(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(figcache.ENV, str(blocker / "figures"))
    monkeypatch.setattr(figcache, "_WARNED", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert render(maps.exercise_estimates_chart("Zapad 2021")).png.startswith(b"\x89PNG")
        render(maps.exercise_estimates_chart("Zapad 2017"))
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1 and str(blocker / "figures") in messages[0] and "Fix: set COURSEKIT_FIGURE_CACHE" in \
        messages[0]


def test_the_own_folder_keeps_the_newest_entries(own, monkeypatch):
    monkeypatch.setattr(figcache, "MAX_ENTRIES", 2)
    for name in ("Zapad 2017", "Zapad 2021", "Allied Resolve 2022"):
        render(maps.exercise_estimates_chart(name))
    assert len(entries(own)) == 2 and len(list(own.glob("*.png"))) == 2
    assert drawn(maps.exercise_estimates_chart("Zapad 2017")), "the oldest went"


def test_another_process_reads_what_one_drew(own):
    """Two kernels of a class: the second shows the first one's PNG without drawing."""
    code = ("import matplotlib; matplotlib.use('Agg'); from coursekit import maps; "
            "from coursekit.figures import render; k = maps.suwalki_map(); png = render(k).png; "
            "print(k._figure is None, len(png))")
    env = {**os.environ, figcache.ENV: str(own), "PYTHONPATH": str(REPO / "src")}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                           cwd=REPO).stdout.split() for _ in range(2)]
    assert runs[0][0] == "False" and runs[1][0] == "True", runs
    assert runs[0][1] == runs[1][1]


def test_warm_fills_a_folder_that_a_later_run_of_the_module_only_reads(tmp_path, monkeypatch):
    from coursekit.instructor.warm import warm_figures

    shared = tmp_path / "shared"
    report = warm_figures(shared, ["05"], REPO, show_progress=False)
    assert report.failed == {} and report.entries >= 1 == len({p.suffix for p in shared.glob("*.json")})
    assert shared.stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in shared.iterdir())
    monkeypatch.setenv(figcache.SHARED_ENV, str(shared))
    again = warm_figures(tmp_path / "own", ["05"], REPO, show_progress=False)
    assert again.failed == {} and again.entries == 0, "every figure came from the shared folder"


def test_a_figure_from_the_cache_still_makes_later_pyplot_figures_draw_once(own, monkeypatch):
    """The student's own geopandas maps are drawn when shown, not after every layer, whether the
    kit figure before them was drawn or read from the cache."""
    from coursekit.figures import _HOOK

    render(maps.exercise_estimates_chart("Zapad 2021"))
    monkeypatch.setitem(matplotlib.rcParams, "figure.hooks", [])
    kit = maps.exercise_estimates_chart("Zapad 2021")
    assert not drawn(kit)
    render(kit)
    assert _HOOK in matplotlib.rcParams["figure.hooks"]


def test_warm_into_a_folder_that_cannot_be_made_says_so_and_how_to_fix_it(tmp_path, capsys):
    from coursekit.cli import main

    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["figures", "warm", "--into", str(blocker / "figures"), "--modules", "05"]) == 2
    err = capsys.readouterr().err
    assert f"cannot write figures into {blocker / 'figures'}" in err and "Fix: give --into a folder" in err
    assert blocker.read_text(encoding="utf-8") == "x"


def test_kernels_that_draw_the_same_figure_at_once_leave_one_whole_entry(own):
    """A class's kernels start together: several draw and store the same figure at the same time."""
    code = ("import matplotlib; matplotlib.use('Agg'); from coursekit import maps; "
            "from coursekit.figures import render; import hashlib; "
            "print(hashlib.sha256(render(maps.exercise_estimates_chart('Zapad 2021')).png).hexdigest())")
    env = {**os.environ, figcache.ENV: str(own), "PYTHONPATH": str(REPO / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True, cwd=REPO)
             for _ in range(4)]
    digests = {p.communicate(timeout=300)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs) and len(digests) == 1
    (key,) = entries(own)
    meta = json.loads((own / f"{key}.json").read_text(encoding="utf-8"))
    assert meta["png_sha256"] == digests.pop()
    assert [p.name for p in own.iterdir() if p.name.startswith(".tmp-")] == [], "no temporary file left"
