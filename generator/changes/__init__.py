"""Rosters compared: the roster at a git revision, what changed between two, the site's history."""
