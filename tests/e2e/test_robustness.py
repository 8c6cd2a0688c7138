#!/usr/bin/python3
"""e2e_robustness: hostile IGMP from one port changes nothing for the others.

h1 is a member of 239.1.1.1 and h4 sends to it. From h3, crafted with scapy:
  1. a burst of malformed IGMP (bad checksums, truncated v3 reports, records and sources
     announced past the end): counted as decode errors, no group changes, delivery goes on;
  2. a flood of valid reports far above h3's igmp_rate_limit: the excess is dropped at h3's
     port (punt_rate_limited), h1's traffic and membership are untouched.
"""

import os
import subprocess
import sys
import threading
import time

import e2e_harness
from e2e_harness import group_ports, wait_until
from multicast_case import BURST, MulticastTestCase

GROUP = "239.1.1.1"
FLOOD_GROUP = "239.77.0.1"
H3_RATE_LIMIT = 200      # punted control packets/s admitted from h3
MALFORMED_COPIES = 2
FLOOD_COUNT = 6000
CRAFTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "igmp_crafted.py")
# What the malformed burst must leave in the counters, at least MALFORMED_COPIES times
# per kind: the control core's decode errors, and the port's `malformed` drops for the
# IPv4 header checksum (checked in the data path, before anything is punted).
EXPECTED_DECODE_ERRORS = {"bad_checksum": 2, "records_beyond_packet": 1,
                          "sources_beyond_packet": 2, "truncated": 1}
EXPECTED_PORT_DROPS = {"malformed": 1}


def table(groups):
    """`show groups` without the timers, for before/after comparison."""
    return sorted((g["vlan"], g["group"], g["source"] or "", g["mode"], tuple(sorted(g["ports"])))
                  for g in groups)


def decode_errors(stats):
    return stats["control"]["decode"]


class FloodProcess:
    """igmp_crafted.py flood in h3, with the times it started and stopped sending."""

    def __init__(self, host, count, group):
        self.proc = subprocess.Popen(
            host.cmd(sys.executable, CRAFTED, "flood", host.iface, str(count), group),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self.started_at = None
        self.stopped_at = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())
            if line.startswith("flooding"):
                self.started_at = time.monotonic()
            elif line.startswith("flooded"):
                self.stopped_at = time.monotonic()

    def rate(self):
        """Reports/s the sender achieved, from its own `flooded N in T s` line."""
        words = next(l for l in self.lines if l.startswith("flooded")).split()
        return int(words[1]) / float(words[3])

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(timeout=5)


class Robustness(MulticastTestCase):

    def setUp(self):
        self.topo = self.make_topology(4)
        self.switch = self.start_switch(
            self.topo, {h.name: 10 for h in self.topo.hosts},
            vlans=[{"id": 10,
                    "querier": {"enabled": True, "address": "10.0.0.254", "version": 3}}],
            snooping={"query_interval": "10s", "query_response_interval": "2s",
                      "last_member_query_interval": "500ms", "unregistered": "router-ports",
                      "mld": False},
            port_options={"h3": {"igmp_rate_limit": H3_RATE_LIMIT}})
        self.h1, self.h3, self.h4 = self.topo["h1"], self.topo["h3"], self.topo["h4"]
        self.l1, self.l3 = self.listener(self.h1), self.listener(self.h3)
        self.source = self.sender(self.h4)
        self.l1.join(GROUP)
        self.wait_member(self.switch, GROUP, "h1")
        self.assert_h1_receives()

    def assert_h1_receives(self):
        got, _ = self.source.burst(BURST, [(self.h4.ipv4, GROUP)], [self.l1, self.l3])
        self.assert_burst(got, {"h1": [(self.h4.ipv4, GROUP)], "h3": []})

    def test_malformed_igmp_changes_nothing(self):
        groups_before = table(self.switch.show("groups"))
        errors_before = decode_errors(self.switch.show("stats"))
        drops_before = self.switch.port("h3")["drops"]

        done = subprocess.run(self.h3.cmd(sys.executable, CRAFTED, "malformed", self.h3.iface,
                                          str(MALFORMED_COPIES)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=60)
        self.assertEqual(done.returncode, 0, done.stdout)
        print(done.stdout.strip())
        sent = int(done.stdout.split()[-1])

        # Every frame must be accounted for, as a decode error or a malformed drop; wait until
        # the switch has counted them all, then compare.
        def counted():
            errors = decode_errors(self.switch.show("stats"))
            drops = self.switch.port("h3")["drops"]
            total = sum(errors[k] - errors_before[k] for k in errors) + \
                drops["malformed"] - drops_before["malformed"]
            return (errors, drops) if total >= sent else None
        errors_after, drops_after = wait_until(counted, "{} bad frames counted".format(sent))
        for name, per_copy in EXPECTED_DECODE_ERRORS.items():
            self.assertGreaterEqual(errors_after[name] - errors_before[name],
                                    per_copy * MALFORMED_COPIES, "decode errors '{}'".format(name))
        for name, per_copy in EXPECTED_PORT_DROPS.items():
            self.assertGreaterEqual(drops_after[name] - drops_before[name],
                                    per_copy * MALFORMED_COPIES, "h3 drops '{}'".format(name))
        self.assertEqual(drops_after["punt_rate_limited"], 0,
                         "the malformed burst is paced under h3's rate limit")

        groups_after = self.switch.show("groups")
        self.assertEqual(table(groups_after), groups_before)
        self.assertFalse([g for g in groups_after if g["group"].startswith("239.9.9.")])
        self.assert_h1_receives()
        self.stop_switch_cleanly(self.switch)

    def test_report_flood_is_policed(self):
        flood = FloodProcess(self.h3, FLOOD_COUNT, FLOOD_GROUP)
        self.addCleanup(flood.close)
        # Keep h1's traffic going for as long as the flood lasts: every burst must arrive whole.
        bursts_during_flood = 0
        while flood.proc.poll() is None:
            burst_start = time.monotonic()
            self.assert_h1_receives()
            if flood.started_at is not None and flood.started_at <= burst_start \
                    and flood.stopped_at is None:
                bursts_during_flood += 1
        flood.reader.join(timeout=5)
        self.assertEqual(flood.proc.returncode, 0, "\n".join(flood.lines))
        print("\n".join(flood.lines))
        print("{} bursts to h1 sent while h3 flooded at {:.0f} reports/s".format(
            bursts_during_flood, flood.rate()))
        self.assertGreater(flood.rate(), 2 * H3_RATE_LIMIT,
                           "the flood was too slow to exceed h3's rate limit")
        self.assertGreater(bursts_during_flood, 0, "no burst overlapped the flood")

        h1, h3 = self.switch.port("h1"), self.switch.port("h3")
        self.assertGreater(h3["drops"]["punt_rate_limited"], 0, "h3: punt_rate_limited")
        self.assertEqual(h1["drops"]["punt_rate_limited"], 0, "h1: punt_rate_limited")
        groups = self.switch.show("groups")
        self.assertEqual(group_ports(groups, GROUP, vlan=10), {"h1"}, groups)
        # Policed, not blocked: reports within the rate still reach the engine.
        self.assertEqual(group_ports(groups, FLOOD_GROUP, vlan=10), {"h3"}, groups)
        self.assert_h1_receives()
        self.stop_switch_cleanly(self.switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(Robustness, needs_scapy=True))
