"""iptables rules of an outage, each tagged with a comment naming its run."""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass

from mirrorcheck.faults.model import COMMENT_PREFIX, Hop
from mirrorcheck.faults.namespace import NetNamespace

log = logging.getLogger(__name__)

# The proxy sets this mark (SO_MARK) on its own connections to the hop, so that the rules
# which send the hop's traffic to the proxy let those connections through. Owner matches do
# not work here: the proxy and the daemon under test both run as root.
PROXY_MARK = 0x6D63


@dataclass(frozen=True)
class Rule:
    """One iptables rule: its table, chain and match and target arguments."""

    table: str
    chain: str
    spec: tuple[str, ...]

    def comment(self) -> str | None:
        """Return the value of the rule's comment match, if it has one."""
        args = list(self.spec)
        if "--comment" in args:
            position = args.index("--comment")
            if position + 1 < len(args):
                return args[position + 1]
        return None

    def describe(self) -> str:
        return f"-t {self.table} -A {self.chain} {shlex.join(self.spec)}"


def _hop_match(hop: Hop) -> tuple[str, ...]:
    return ("-d", f"{hop.ip}/32", "-p", "tcp", "-m", "tcp", "--dport", str(hop.port))


def _tag(comment: str) -> tuple[str, ...]:
    return ("-m", "comment", "--comment", comment)


def _not_proxy() -> tuple[str, ...]:
    return ("-m", "mark", "!", "--mark", hex(PROXY_MARK))


def drop_rule(hop: Hop, comment: str) -> Rule:
    return Rule("filter", "OUTPUT", (*_hop_match(hop), *_tag(comment), "-j", "DROP"))


def reset_rule(hop: Hop, comment: str) -> Rule:
    return Rule("filter", "OUTPUT", (*_hop_match(hop), *_tag(comment),
                                     "-j", "REJECT", "--reject-with", "tcp-reset"))


def redirect_rule(hop: Hop, comment: str, proxy_port: int) -> Rule:
    """Send new connections to the hop to the proxy on 127.0.0.1, except the proxy's own."""
    return Rule("nat", "OUTPUT", (*_hop_match(hop), *_not_proxy(), *_tag(comment),
                                  "-j", "REDIRECT", "--to-ports", str(proxy_port)))


def reset_unproxied_rule(hop: Hop, comment: str) -> Rule:
    """Reset connections to the hop that bypass the proxy.

    nat rules see only the first packet of a connection, so a keep-alive connection opened
    before the outage would still reach the hop directly. Redirected connections no longer
    match here, because their destination is already rewritten to 127.0.0.1 by the time the
    filter table checks them, and the proxy's own connections carry PROXY_MARK.
    """
    return Rule("filter", "OUTPUT", (*_hop_match(hop), *_not_proxy(), *_tag(comment),
                                     "-j", "REJECT", "--reject-with", "tcp-reset"))


def insert(netns: NetNamespace, rule: Rule) -> None:
    """Insert rule first in its chain, so that no earlier ACCEPT bypasses it."""
    netns.run(["iptables", "-w", "-t", rule.table, "-I", rule.chain, "1", *rule.spec])
    log.info("added iptables rule in %s: %s", netns.path, rule.describe())


def delete(netns: NetNamespace, rule: Rule) -> bool:
    """Delete rule; return False when it was already gone."""
    result = netns.run(["iptables", "-w", "-t", rule.table, "-D", rule.chain, *rule.spec],
                       check=False)
    if result.returncode != 0:
        log.warning("iptables rule in %s was already gone or failed to delete: %s (%s)",
                    netns.path, rule.describe(), result.stderr.strip())
        return False
    log.info("removed iptables rule in %s: %s", netns.path, rule.describe())
    return True


def list_tagged(netns: NetNamespace, comment: str | None = None) -> list[Rule]:
    """Return the rules whose comment equals comment, or starts with "mirrorcheck-" when
    comment is None."""
    output = netns.run(["iptables-save"]).stdout
    rules = []
    table = ""
    for line in output.splitlines():
        if line.startswith("*"):
            table = line[1:].strip()
            continue
        if not line.startswith("-A "):
            continue
        words = shlex.split(line)
        rule = Rule(table, words[1], tuple(words[2:]))
        found = rule.comment()
        if found is None:
            continue
        if found == comment or (comment is None and found.startswith(COMMENT_PREFIX)):
            rules.append(rule)
    return rules
