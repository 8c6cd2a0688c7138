"""What every e2e test shares: the skip rules, the runner and a TestCase with fixtures.

Exit codes follow meson: 0 pass, 1 fail, 77 skipped (no root, no `ip netns`, ...).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

from host_agents import Listener, Sender
from netns_topology import Topology
from switch_process import Switch, binaries

SKIP = 77


def environment_problem(needs_scapy=False):
    """Why these tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, veth, AF_PACKET)"
    for tool in ("ip", "ethtool", "sysctl"):
        if shutil.which(tool) is None:
            return "'{}' not found".format(tool)
    mcsnoop, mcsnoopctl = binaries()
    for var, path in (("MCSNOOP", mcsnoop), ("MCSNOOPCTL", mcsnoopctl)):
        if not path or not os.access(path, os.X_OK):
            return "{} does not name an executable (run through meson test)".format(var)
    probe = "mcs{}-probe".format(os.getpid())
    done = subprocess.run(["ip", "netns", "add", probe], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        return "'ip netns' unusable: " + done.stdout.strip()
    subprocess.run(["ip", "netns", "del", probe], check=False)
    if needs_scapy:
        done = subprocess.run([sys.executable, "-c", "import scapy.all"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            return "scapy not importable by {} (install python3-scapy)".format(sys.executable)
    return None


def _interrupted(signum, _frame):
    # meson's timeout sends SIGTERM: unwind so cleanups and atexit remove namespaces and veths.
    raise SystemExit("interrupted by signal {}".format(signum))


def main(case, needs_scapy=False):
    """Runs the TestCase class `case` and returns the process exit code."""
    problem = environment_problem(needs_scapy)
    if problem:
        print("SKIP: " + problem)
        return SKIP
    signal.signal(signal.SIGTERM, _interrupted)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    print("PASS" if result.wasSuccessful() else "FAIL")
    return 0 if result.wasSuccessful() else 1


def wait_until(check, what, timeout=10.0, interval=0.1):
    """Polls `check()` until it returns a true value, which it returns; fails after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after {:.0f}s waiting for {}".format(timeout, what))
        time.sleep(interval)


ICMP_ECHO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icmp_echo.py")
ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST = 0, 8


def ping(host, address, count, wait_s=1):
    """icmp_echo.py in `host`: (at least one reply came back, its output)."""
    done = subprocess.run(host.cmd(sys.executable, ICMP_ECHO, address, str(count), str(wait_s)),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode == 0, done.stdout.strip()


def echoes_between(listener, a, b):
    """The ICMP echo requests and replies between hosts `a` and `b` that `listener` saw."""
    return [m for m in listener.icmp() if m[0] in (ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY)
            and {m[1], m[2]} == {a.ipv4, b.ipv4}]


RAW_FRAMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "raw_frames.py")


def raw_frames(host, *args, timeout=60):
    """Runs raw_frames.py in `host` (see its usage) and returns its `sent N in T s` line."""
    done = subprocess.run(host.cmd(sys.executable, RAW_FRAMES, *[str(a) for a in args]),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise AssertionError("raw_frames.py {} in {} exited {}:\n{}".format(
            " ".join(str(a) for a in args), host.name, done.returncode, done.stdout))
    return done.stdout.strip()


class Background:
    """A command running in a host while the test does other things; `done()` polls it."""

    def __init__(self, host, *argv):
        self.proc = subprocess.Popen(host.cmd(*argv), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.output = None

    def done(self):
        if self.proc.poll() is None:
            return False
        if self.output is None:
            self.output = self.proc.stdout.read()
        return True

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


def group_ports(groups, group, source=None, vlan=None):
    """Port names of the `show groups` entry for (vlan, group, source), or None if absent."""
    for g in groups:
        if g["group"] == group and g["source"] == source and (vlan is None or g["vlan"] == vlan):
            return set(g["ports"])
    return None


class SwitchTestCase(unittest.TestCase):
    """Fixtures: a topology, a switch over it and agents in the hosts, all torn down by
    cleanups in reverse order, whatever happens."""

    def make_topology(self, count, ipv6=False):
        topo = Topology(count, ipv6=ipv6)
        self.addCleanup(topo.destroy)
        return topo.create()

    def start_switch(self, topo, vlan_of, **kwargs):
        switch = Switch(topo, vlan_of, **kwargs)
        self.addCleanup(lambda: switch.cleanup(keep_log=not self._passed_so_far()))
        return switch.start()

    def listener(self, host):
        agent = Listener(host)
        self.addCleanup(agent.close)
        return agent

    def sender(self, host):
        agent = Sender(host)
        self.addCleanup(agent.close)
        return agent

    def raw_frames_background(self, host, *args):
        """raw_frames.py in `host`, in the background; killed at cleanup if still running."""
        job = Background(host, sys.executable, RAW_FRAMES, *[str(a) for a in args])
        self.addCleanup(job.close)
        return job

    def stop_switch_cleanly(self, switch):
        """The contract: SIGTERM stops the switch cleanly with exit code 0."""
        self.assertEqual(switch.stop(), 0, "mcsnoop exit code after SIGTERM\n" + switch.log_tail())

    def _passed_so_far(self):
        # unittest (3.11) reports a failure to the result as soon as it happens, before the
        # cleanups run; `_outcome.success` cannot be used there, each cleanup resets it.
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return True
        return not any(test is self for test, _ in result.failures + result.errors)
