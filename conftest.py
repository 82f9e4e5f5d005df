"""Root conftest: loads the mirrorcheck plugins for the suites and the project's tests."""

pytest_plugins = [
    "mirrorcheck.plugin",
    "mirrorcheck.lab.fixtures",
    "mirrorcheck.report.plugin",
]
