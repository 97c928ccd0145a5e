"""coursekit: a Jupyter teaching kit on disinformation and regional security."""

__version__ = "0.1.0"
