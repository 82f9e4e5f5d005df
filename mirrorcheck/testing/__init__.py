"""Helpers for tests: local registries and a broken registry."""
