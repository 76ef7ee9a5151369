"""Liaocheng legal-advisor directory: roster (YAML) in, static site out."""

#: The release: the one place it is written (pyproject.toml reads it; CHANGELOG.md's newest
#: release heading says the same; docs/maintainers.md says how a release moves it).
__version__ = "0.1.0"
