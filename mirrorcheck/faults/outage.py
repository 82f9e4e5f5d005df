"""The outage context manager: install one fault on enter, remove all of it on exit."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mirrorcheck.faults import hosts, iptables
from mirrorcheck.faults.model import (FaultError, Hop, Kind, SlowLink, TlsMaterial, comment_for,
                                      parse_kind, validate_run_id)
from mirrorcheck.faults.namespace import NetNamespace, is_loopback_up, require_root
from mirrorcheck.faults.proxy_process import ProxyProcess

log = logging.getLogger(__name__)


@dataclass
class ActiveOutage:
    """The rules, proxy and hosts edit of one outage, as `with outage(...) as a` returns them."""

    kind: Kind
    netns: NetNamespace
    target: Hop
    run_id: str
    rules: list[iptables.Rule] = field(default_factory=list)
    proxy: ProxyProcess | None = None
    hosts_file: Path | None = None

    @property
    def proxy_port(self) -> int | None:
        return self.proxy.port if self.proxy else None

    def proxy_log(self) -> str:
        """Return the proxy's log: its requests and errors (empty without a proxy)."""
        if self.proxy is None:
            return ""
        return self.proxy.log_text() or self.proxy.final_log


def _check_arguments(kind: Kind, target: Hop, tls: TlsMaterial | None,
                     hosts_file: Path | None) -> None:
    if kind is Kind.UNRESOLVABLE and hosts_file is None:
        raise FaultError("the unresolvable outage needs hosts_file, the hosts file the "
                         "client resolves the hop's name from")
    if kind.needs_tls and not target.tls:
        raise FaultError(f"{kind.value} needs a TLS hop, but {target.host_name} "
                         f"({target.ip}:{target.port}) is plain HTTP; pick an https hop")
    if kind.uses_proxy and target.tls:
        if tls is None or not tls.ca_cert_pem:
            raise FaultError(f"{kind.value} on a TLS hop needs tls=TlsMaterial(...) with the "
                             "lab CA certificate, which the proxy verifies the hop with")
        if kind is not Kind.TLS_UNTRUSTED and not tls.ca_key_pem:
            raise FaultError(f"{kind.value} on a TLS hop needs the lab CA key in "
                             "TlsMaterial.ca_key_pem, to sign the certificate the proxy shows")


def _install_rules(active: ActiveOutage, rules: list[iptables.Rule]) -> None:
    for rule in rules:
        iptables.insert(active.netns, rule)
        active.rules.append(rule)


def _install(active: ActiveOutage, tls: TlsMaterial | None, slow: SlowLink) -> None:
    comment = comment_for(active.run_id)
    kind = active.kind
    if kind is Kind.BLACKHOLE:
        _install_rules(active, [iptables.drop_rule(active.target, comment)])
    elif kind is Kind.REFUSED:
        _install_rules(active, [iptables.reset_rule(active.target, comment)])
    elif kind is Kind.UNRESOLVABLE:
        hosts.hide_name(active.hosts_file, active.target.host_name, comment)
    else:
        if not is_loopback_up(active.netns):
            raise FaultError(f"loopback is down in {active.netns.path}; the fault proxy "
                             "listens on 127.0.0.1 there, so run `ip link set lo up` in it")
        active.proxy = ProxyProcess(active.netns, active.run_id, kind, active.target, tls, slow)
        port = active.proxy.start()
        _install_rules(active, [
            iptables.redirect_rule(active.target, comment, port),
            iptables.reset_unproxied_rule(active.target, comment),
        ])


def _remove(active: ActiveOutage) -> list[str]:
    """Remove everything active installed, in reverse order; return what failed."""
    errors = []
    if active.rules and not active.netns.exists():
        # Rules live in the namespace, so they went with it.
        log.info("namespace %s is gone, and its rules with it", active.netns.path)
        active.rules.clear()
    for rule in reversed(active.rules):
        try:
            iptables.delete(active.netns, rule)
        except FaultError as error:
            errors.append(str(error))
    if active.proxy is not None:
        try:
            active.proxy.stop()
        except OSError as error:
            errors.append(f"stopping the fault proxy failed: {error}")
    if active.kind is Kind.UNRESOLVABLE and active.hosts_file is not None:
        try:
            hosts.restore_names(active.hosts_file, comment_for(active.run_id))
        except OSError as error:
            errors.append(f"restoring {active.hosts_file} failed: {error}")
    return errors


@contextlib.contextmanager
def outage(kind: str | Kind, netns: NetNamespace, target: Hop, *,
           tls: TlsMaterial | None = None, hosts_file: Path | None = None,
           run_id: str, slow: SlowLink | None = None) -> Iterator[ActiveOutage]:
    """Install the outage kind for clients in netns reaching target, and remove it on exit.

    Exit removes every rule, the proxy and the hosts edits, also when the block raised or
    installing failed halfway. A failed removal does not stop the others. Afterwards it
    raises FaultError, unless the block raised first: then the block's error propagates
    and the removal error is only logged.
    """
    kind = parse_kind(kind)
    validate_run_id(run_id)
    require_root()
    _check_arguments(kind, target, tls, hosts_file)
    netns.identity()

    active = ActiveOutage(kind, netns, target, run_id, hosts_file=hosts_file)
    log.info("installing %s outage for %s (%s:%d) in %s, run %s", kind.value,
             target.host_name, target.ip, target.port, netns.path, run_id)
    try:
        _install(active, tls, slow or SlowLink())
        yield active
    except BaseException:
        # The block's own error is the one to report; removal errors are only logged.
        _remove_and_report(active, raise_errors=False)
        raise
    _remove_and_report(active, raise_errors=True)


def _remove_and_report(active: ActiveOutage, raise_errors: bool) -> None:
    errors = _remove(active)
    if not errors:
        log.info("removed %s outage for %s in %s, run %s", active.kind.value,
                 active.target.host_name, active.netns.path, active.run_id)
        return
    message = (f"removing the {active.kind.value} outage in {active.netns.path} failed: "
               f"{'; '.join(errors)}; run sweep(netns, run_id={active.run_id!r}) to clear it")
    log.error("%s", message)
    if raise_errors:
        raise FaultError(message)
