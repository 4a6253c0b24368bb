"""Shared kernel: time, model mixins, rendering helpers, vocabularies, error pages."""
