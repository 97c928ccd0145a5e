"""The instructor's tools: a student release, grading, hub/Binder links and a static site.

- :mod:`coursekit.instructor.release`: ``coursekit release`` (solutions and assessed keys removed);
- :mod:`coursekit.instructor.grade`: ``coursekit grade`` (exported submissions to a gradebook);
- :mod:`coursekit.instructor.links`: ``coursekit links`` (nbgitpuller and Binder links);
- :mod:`coursekit.instructor.site`: ``coursekit site`` (every module executed and rendered to HTML).

Nothing here is imported by ``import coursekit``: each command imports its module when run.
"""
