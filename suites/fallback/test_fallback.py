"""Fallback: with each hop of the lab broken, do the critical images still pull, and from where?

The gate is the single-hop outages a daemon.json can survive: every warm critical image must
pull within the failover budget. Stalls, slow links and multi-hop outages are findings: they
are measured and reported in the matrix, and fail only when the scenario itself misbehaves
(left rules behind, or hung the suite).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.lab, pytest.mark.slow]


def _problems(result, budget: float) -> list[str]:
    problems = []
    for image in result.images:
        report = image.report
        if image.outcome != "pulled":
            problems.append(f"{image.image}: expected pulled, got {image.outcome}: {report.summary()}")
        elif report.seconds > budget:
            problems.append(f"{image.image}: pulled in {report.seconds:.1f} s, over the failover "
                            f"budget of {budget:.0f} s: {report.summary()}")
    return problems


def _rate_limit_note(result) -> str:
    spent = [image.image for image in result.images if image.report.served_by_hub]
    if not spent:
        return ""
    return (f"\nDocker Hub served {', '.join(spent)} itself: each such pull spent Docker Hub's "
            "rate limit.")


@pytest.mark.scenarios("baseline")
def test_every_critical_image_pulls_with_nothing_blocked(scenario, scenario_result, settings):
    problems = _problems(scenario_result, settings.pull_timeout)

    assert not problems, (
        "with the whole lab up, some critical images did not pull:\n" + "\n".join(problems)
        + "\nFix the baseline first: every other scenario depends on it."
    )


@pytest.mark.scenarios("gate")
def test_single_hop_outage_keeps_warm_images_pullable(scenario, scenario_result, settings):
    problems = _problems(scenario_result, settings.failover_budget)

    assert not scenario_result.leftovers, f"the outage left {scenario_result.leftovers}"
    assert scenario_result.egress_dropped == 0, "the daemon tried to reach outside the lab"
    assert scenario_result.egress_dropped == 0, "the daemon tried to reach outside the lab"
    assert not problems, (
        f"with {scenario.title}, expected every warm critical image to pull within "
        f"{settings.failover_budget:.0f} s:\n" + "\n".join(problems)
        + _rate_limit_note(scenario_result)
        + "\nAdd a second mirror (or a private pull-through cache) so one failing hop has "
        "somewhere to fail over to."
    )


@pytest.mark.scenarios("finding")
def test_finding_scenario_is_measured_and_cleaned_up(scenario, scenario_result, settings):
    """Stall, slow-link and multi-hop scenario is measured and leaves nothing behind."""
    measured = {image.image for image in scenario_result.images}
    overdue = [image.report.summary() for image in scenario_result.images
               if image.report.seconds > settings.finding_pull_timeout + 30]

    assert measured == set(settings.images), f"images without a result: {set(settings.images) - measured}"
    assert not overdue, (f"pulls outlived the finding timeout of "
                         f"{settings.finding_pull_timeout:.0f} s: {overdue}")
    assert not scenario_result.leftovers, f"the outage left {scenario_result.leftovers}"
    assert scenario_result.egress_dropped == 0, "the daemon tried to reach outside the lab"
