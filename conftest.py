"""Root conftest: loads the mirrorcheck pytest plugin for the suites and the project's tests."""

pytest_plugins = ["mirrorcheck.plugin"]
