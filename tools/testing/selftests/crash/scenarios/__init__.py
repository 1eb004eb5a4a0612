# SPDX-License-Identifier: GPL-2.0
"""The end-to-end scenarios, one module per area.

A scenario is the guest's steps (shell functions boot1, boot2, ... that
the guest's /init runs on its Nth boot), what QEMU gives the guest, and a
check that reads what the guest and the host captured.  Register one with
@scenario; e2e.py runs them.
"""
import dataclasses
import re
from typing import Callable, Optional


# A NULL dereference as the console reports it; with KASAN (the debug
# build) the access to address 0's shadow faults first, as a GPF.
NULL_DEREF = (r"(?:BUG: kernel NULL pointer dereference|"
              r"Oops: general protection fault, .*KASAN)")


class CheckFailed(Exception):
    """A scenario's result is not what it must be."""


@dataclasses.dataclass
class Scenario:
    name: str
    guest: str
    check: Callable
    doc: str = ""
    cmdline: str = ""
    timeout: int = 120
    mem: str = "1G"
    smp: int = 2
    net: object = False        # True, or extra virtio-net-pci properties
    disks: tuple = ()          # (name, MiB) pairs, after the control disk
    kernels: tuple = ("patched", "baseline")
    arch: str = "x86_64"       # the guest's: x86_64 or arm64
    setup: Optional[Callable] = None    # (run) before QEMU starts
    during: Optional[Callable] = None   # (run, guest) while QEMU runs
    teardown: Optional[Callable] = None  # (run) after QEMU stopped
    until: str = r"^E2E: done"  # the console line that ends the run
    # A failure that is not this project's (QEMU's TCG): a failed run whose
    # console matches this is run once more, and its line says so
    rerun_on: str = ""


REGISTRY = {}


def scenario(name, guest, **kw):
    """Decorator: register the decorated check function as scenario @name."""
    def register(check):
        if name in REGISTRY:
            raise ValueError("scenario %s registered twice" % name)
        REGISTRY[name] = Scenario(name=name, guest=guest, check=check,
                                  doc=(check.__doc__ or "").strip(), **kw)
        return check
    return register


class Run:
    """What one scenario run produced, with the assertions checks use."""

    def __init__(self, kind, workdir, log="", outputs=None):
        self.kind = kind
        self.workdir = workdir
        self.log = log
        self.outputs = outputs or {}
        self.data = {}

    @property
    def boots(self):
        """The console log cut at each kernel start, one text per boot."""
        parts = re.split(r"(?m)^(?=.*Linux version )", self.log)
        return [p for p in parts if "Linux version " in p]

    def expect(self, pattern, text=None, what=None):
        m = re.search(pattern, self.log if text is None else text, re.M)
        if not m:
            raise CheckFailed("%s: no match for /%s/"
                              % (what or "console", pattern))
        return m

    def expect_not(self, pattern, text=None, what=None):
        m = re.search(pattern, self.log if text is None else text, re.M)
        if m:
            raise CheckFailed("%s: unexpected %r" % (what or "console",
                                                     m.group(0)))

    def expect_in_order(self, *patterns, text=None, what=None):
        text = self.log if text is None else text
        pos = 0
        for p in patterns:
            m = re.compile(p, re.M).search(text, pos)
            if not m:
                raise CheckFailed("%s: no match for /%s/ after offset %d"
                                  % (what or "console", p, pos))
            pos = m.end()

    def expect_boots(self, n):
        got = len(self.boots)
        if got != n:
            raise CheckFailed("expected %d boot(s), saw %d" % (n, got))


from . import arm64, boot, chain, crashctl, kdump, mce, mtdoops, netconsole, pstore, stores, vmcore  # noqa: E402,F401  (registers the scenarios)
