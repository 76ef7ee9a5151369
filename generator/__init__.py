"""Liaocheng legal-advisor directory: roster (YAML) in, static site out."""
