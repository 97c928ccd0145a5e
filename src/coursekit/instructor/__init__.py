"""The instructor's tools: a student release, grading, hub/Binder links and a static site.

- :mod:`coursekit.instructor.release`: ``coursekit release`` (solutions and assessed keys removed);
- :mod:`coursekit.instructor.grade`: ``coursekit grade`` (exported submissions to a gradebook), with
  :mod:`~coursekit.instructor.submissions` (reading and checking the files),
  :mod:`~coursekit.instructor.reports` (the CSV and PNG reports), :mod:`~coursekit.instructor.items`
  (discrimination and misconceptions), :mod:`~coursekit.instructor.lms` (Canvas and Moodle layouts)
  and :mod:`~coursekit.instructor.variants` (answers to pools and variants);
- :mod:`coursekit.instructor.links`: ``coursekit links`` (nbgitpuller and Binder links);
- :mod:`coursekit.instructor.site`: ``coursekit site`` (every module executed and rendered to HTML).

Nothing here is imported by ``import coursekit``: each command imports its module when run.
"""
