"""The four outcomes of a check, kept apart: pass, fail, unsupported and error.

A target that responds wrongly, or not at all, fails the check (CheckFailed). A feature the
target does not offer is unsupported (pytest.skip with the reason). Any other exception in a
check is an error of the suite, and these hooks report it as ERROR instead of FAILED.
"""

from __future__ import annotations

import pytest

from mirrorcheck.registry.errors import RegistryError

SUITE_ERROR_KEY = "mirrorcheck_suite_error"


class CheckFailed(AssertionError):
    """The target broke a requirement; the message states expected against actual."""


def fail(message: str) -> None:
    raise CheckFailed(message)


def expect_equal(what: str, expected: object, actual: object, hint: str) -> None:
    """Fail with 'what: expected X, got Y; hint' unless the values are equal."""
    if expected != actual:
        fail(f"{what}: expected {expected!r}, got {actual!r}; {hint}")


def is_target_fault(error: BaseException) -> bool:
    """Return whether an exception reports the target's behaviour rather than a suite bug."""
    return isinstance(error, (AssertionError, RegistryError, pytest.skip.Exception))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if call.when == "call" and call.excinfo is not None \
            and not is_target_fault(call.excinfo.value):
        report.user_properties.append((SUITE_ERROR_KEY, call.excinfo.typename))
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if report.failed and any(key == SUITE_ERROR_KEY for key, _ in report.user_properties):
        return "error", "E", ("ERROR", {"red": True})
    return None
