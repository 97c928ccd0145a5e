"""Benchmark of the checked code exercises: prints figures, asserts nothing.

- the time ``check()`` takes on each exercise's worked answer (inspection, key, feedback,
  one write to a throw-away progress store), median of several runs;
- the time ``coursekit grade`` takes to re-check a class's exported exercises.

Run: .venv/bin/python benchmarks/exercises.py
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ["COURSEKIT_LEARNER"] = "bench"
REPEAT = 5
LEARNERS = 200


def main() -> None:
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from coursekit.datasets import load_nato_members
    from coursekit.exercises import check
    from coursekit.instructor.grade import grade
    from coursekit.paths import data_dir, data_file
    from coursekit.quiz.store import ProgressStore

    countries = gpd.read_file(data_file("geo/countries-50m.geojson"))
    laea = countries.to_crs(3035)
    belarus = laea[laea["iso3"] == "BLR"]
    table = pd.read_csv(data_file("places.csv"))
    places = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")
    zone = belarus.buffer(100_000)
    members = countries.merge(load_nato_members(), on="iso3")
    fig, ax = plt.subplots()
    countries.plot(ax=ax)
    members.plot(ax=ax, column="iso3", legend=True)
    places.plot(ax=ax)
    ax.set_title("t")
    ax.annotate("Source: x", (0, 0))
    cases = {"03/read-countries": countries, "03/nato-join": members, "04/belarus-buffer": zone,
             "04/within-reach": gpd.sjoin(places.to_crs(3035), gpd.GeoDataFrame(geometry=zone), predicate="within"),
             "03/nato-map": ax}
    with tempfile.TemporaryDirectory() as tmp:
        store = ProgressStore(Path(tmp) / "p.sqlite")
        print(f"check() on a worked answer, median of {REPEAT} (ms):")
        for target, obj in cases.items():
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    check(target, obj, store=store)
                times.append((time.perf_counter() - start) * 1000)
            print(f"  {target:<22} {statistics.median(times):7.1f}")
        doc = store.export(Path(tmp) / "one.json")
        out = Path(tmp) / "class"
        out.mkdir()
        import json

        for n in range(LEARNERS):
            who = f"learner{n:03d}"
            d = json.loads(json.dumps(doc).replace('"bench"', json.dumps(who)))
            (out / f"{who}.json").write_text(json.dumps(d), encoding="utf-8")
        start = time.perf_counter()
        report = grade([out], data_dir() / "quizzes", Path(tmp) / "grades", show_progress=False)
        took = time.perf_counter() - start
        print(f"grade: {LEARNERS} exports x {len(doc['events'])} exercise answers in {took:.2f} s "
              f"({len(report.graded)} graded, {len(report.problems)} problems)")


if __name__ == "__main__":
    main()
