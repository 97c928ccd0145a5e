"""The command line ends quietly when its reader stops early."""

from __future__ import annotations

import subprocess
import sys


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    """`coursekit list --objectives | head -1` printed a BrokenPipeError traceback in about half the runs."""
    script = (f"for i in 1 2 3 4 5 6; do '{sys.executable}' -m coursekit.cli list --objectives 2>>'{tmp_path}/err'"
              " | head -1 > /dev/null; done")
    subprocess.run(["bash", "-c", script], check=True, timeout=120)
    assert (tmp_path / "err").read_text(encoding="utf-8") == ""
