"""Property-based tests: hostile input to every form, import and search (issue #8)."""
