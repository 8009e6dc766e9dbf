"""Tools for the developers, not run by a build: ``python -m devtools.compare_outputs`` proves a change keeps the
data."""
