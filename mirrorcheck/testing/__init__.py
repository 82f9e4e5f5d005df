"""Helpers for tests and the lab: synthetic images, local registries, a broken registry."""
