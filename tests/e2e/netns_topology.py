"""Hosts in network namespaces, each wired to the switch by a veth pair.

Host N lives in namespace `mcs<pid>-hN` behind interface `hN` (10.0.0.N/24, optionally
fd00::N/64); the peer `sw<pid>hN` stays in the root namespace, up and without addresses, for
mcsnoop to open with net_af_packet. Names carry the test's pid so concurrent runs never meet.

Everything created here is removed by destroy(), which is idempotent and also registered with
atexit, so a failing or interrupted test leaves no namespace or interface behind.
Not thread-safe: one Topology is driven by the test's main thread.
"""

import atexit
import os
import subprocess

SUBNET_V4 = "10.0.0.{}"
PREFIX_V4 = 24
BROADCAST_V4 = "10.0.0.255"
SUBNET_V6 = "fd00::{}"
PREFIX_V6 = 64


def run(cmd, check=True, timeout=30):
    """Runs a command, capturing its output; raises with that output when it fails."""
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError("command failed ({}): {}\n{}".format(done.returncode, " ".join(cmd),
                                                                done.stdout.strip()))
    return done


class Host:
    """One namespace with one interface towards the switch."""

    def __init__(self, index, run_id):
        self.index = index
        self.name = "h{}".format(index)                    # also the switch's port name
        self.netns = "mcs{}-h{}".format(run_id, index)
        self.iface = self.name                             # inside the namespace
        self.sw_iface = "sw{}h{}".format(run_id, index)    # root namespace, <= 15 chars
        self.ipv4 = SUBNET_V4.format(index)
        self.ipv6 = SUBNET_V6.format(index)
        self.mac = None

    def cmd(self, *argv):
        """The argv that runs `argv` inside this host's namespace."""
        return ["ip", "netns", "exec", self.netns] + list(argv)

    def run(self, *argv, check=True, timeout=30):
        return run(self.cmd(*argv), check=check, timeout=timeout)

    def sysctl(self, key, value):
        self.run("sysctl", "-qw", "{}={}".format(key, value))

    def __repr__(self):
        return "Host({}, {})".format(self.name, self.netns)


class Topology:
    """`count` hosts; IPv6 is disabled in the namespaces unless `ipv6` is set, so that IPv4
    tests see no MLD or neighbour-discovery traffic they did not ask for."""

    def __init__(self, count, ipv6=False):
        self.ipv6 = ipv6
        self.hosts = [Host(i, os.getpid()) for i in range(1, count + 1)]
        self._created_netns = []
        self._created_links = []
        atexit.register(self.destroy)

    def host(self, name):
        return next(h for h in self.hosts if h.name == name)

    def __getitem__(self, name):
        return self.host(name)

    def create(self):
        for h in self.hosts:
            self._create_host(h)
        return self

    def _create_host(self, h):
        run(["ip", "netns", "add", h.netns])
        self._created_netns.append(h.netns)
        # Interfaces created in the namespace take its `default` settings, so set them first:
        # no DAD (addresses usable at once, MLD reports from a real link-local source) and no
        # router solicitations.
        if self.ipv6:
            h.sysctl("net.ipv6.conf.default.accept_dad", 0)
            h.sysctl("net.ipv6.conf.default.router_solicitations", 0)
            h.sysctl("net.ipv6.conf.default.accept_ra", 0)
        elif os.path.exists("/proc/sys/net/ipv6"):
            h.sysctl("net.ipv6.conf.default.disable_ipv6", 1)
            h.sysctl("net.ipv6.conf.all.disable_ipv6", 1)

        run(["ip", "link", "add", h.sw_iface, "type", "veth", "peer", "name", h.iface,
             "netns", h.netns])
        self._created_links.append(h.sw_iface)
        # The switch side carries no host stack traffic of the root namespace.
        if os.path.exists("/proc/sys/net/ipv6/conf/" + h.sw_iface):
            run(["sysctl", "-qw", "net.ipv6.conf.{}.disable_ipv6=1".format(h.sw_iface)])
        run(["ip", "link", "set", h.sw_iface, "up"])

        h.run("ip", "link", "set", "lo", "up")
        h.run("ip", "addr", "add", "{}/{}".format(h.ipv4, PREFIX_V4), "dev", h.iface)
        if self.ipv6:
            h.run("ip", "-6", "addr", "add", "{}/{}".format(h.ipv6, PREFIX_V6), "dev", h.iface,
                  "nodad")
        # veth hands UDP to its peer with the checksum still to be filled in (offload); after a
        # trip through a packet socket nobody fills it in, and receivers would drop the datagram.
        h.run("ethtool", "-K", h.iface, "tx", "off")
        h.run("ip", "link", "set", h.iface, "up")
        h.run("ip", "route", "add", "224.0.0.0/4", "dev", h.iface)
        h.mac = h.run("cat", "/sys/class/net/{}/address".format(h.iface)).stdout.strip()

    def destroy(self):
        """Removes every namespace and interface this topology created (idempotent)."""
        for netns in reversed(self._created_netns):
            run(["ip", "netns", "del", netns], check=False)
        self._created_netns = []
        # Deleting a namespace deletes the veth pair; this catches the case where a process
        # still held the namespace open.
        for link in reversed(self._created_links):
            if os.path.exists("/sys/class/net/" + link):
                run(["ip", "link", "del", link], check=False)
        self._created_links = []
