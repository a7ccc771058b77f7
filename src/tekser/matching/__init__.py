"""Explainable cross-script matching of subjects against list entries (pure: no I/O)."""
