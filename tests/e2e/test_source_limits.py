#!/usr/bin/python3
"""e2e_source_limits (issue 8): one host's IGMPv3 reports cannot grow the switch's state
without bound, corrupt it, or take the forwarding table away from the other ports.

h1 is the hostile host (its igmp_rate_limit is raised so that every report reaches the engine:
the limits under test are the engine's and the table's, not the policer's), h2 a listener,
h3 a multicast source.

  - test_allow_growth: h1 sends ALLOW_NEW_SOURCES reports of 256 sources for one group, each
    report's sources sorting below all the earlier ones (the cap bypass that overflowed a
    16-bit container and corrupted the heap). Meanwhile h2's stream must arrive whole; at the
    end the group lists no more sources than one report carries and SIGTERM exits 0.
  - test_group_flood: h1 reports 600 groups x 256 sources (more (S,G) entries than the
    forwarding table of the default configuration holds); then h2 joins a group, which must
    reach h2 and only h2, not h1's port through the unregistered-flood fallback.
"""

import sys

import e2e_harness
from e2e_harness import raw_frames, wait_until
from multicast_case import BURST, MulticastTestCase

VICTIM_GROUP = "239.1.1.1"
GROWTH_GROUP = "239.66.0.1"
GROWTH_REPORTS = 400           # x 256 sources: 102,400, past a 16-bit count
FLOOD_FIRST_GROUP = "239.100.0.0"
FLOOD_GROUPS = 600             # x 256 sources: 153,600 (S,G), past 2 x the default max_groups
ATTACKER_RATE_LIMIT = 5000     # punted reports/s admitted from h1
REPORT_RATE = 1000             # reports/s h1 sends
DECODE_TIMEOUT_S = 30.0


def decoded(switch):
    return switch.show("stats")["control"]["decoded"]


class SourceLimits(MulticastTestCase):

    def setUp(self):
        self.topo = self.make_topology(3)
        self.switch = self.start_switch(
            self.topo, {h.name: 10 for h in self.topo.hosts},
            vlans=[{"id": 10,
                    "querier": {"enabled": True, "address": "10.0.0.254", "version": 3}}],
            snooping={"query_interval": "30s", "query_response_interval": "2s", "mld": False},
            port_options={"h1": {"igmp_rate_limit": ATTACKER_RATE_LIMIT}})
        self.h1, self.h2, self.h3 = self.topo["h1"], self.topo["h2"], self.topo["h3"]
        self.l1, self.l2 = self.listener(self.h1), self.listener(self.h2)
        self.source = self.sender(self.h3)

    def assert_only_h2_receives(self):
        got, tag = self.source.burst(BURST, [(self.h3.ipv4, VICTIM_GROUP)], [self.l1, self.l2])
        self.assert_burst(got, {"h2": [(self.h3.ipv4, VICTIM_GROUP)], "h1": []})
        return tag

    def wait_decoded(self, before, count):
        """Waits until the engine has decoded `count` more reports than `before`."""
        wait_until(lambda: decoded(self.switch) >= before + count,
                   "the switch to decode {} reports".format(count), timeout=DECODE_TIMEOUT_S,
                   interval=0.2)

    def test_allow_growth(self):
        self.l2.join(VICTIM_GROUP)
        self.wait_member(self.switch, VICTIM_GROUP, "h2")
        self.assert_only_h2_receives()

        before = decoded(self.switch)
        growth = self.raw_frames_background(self.h1, "allow-growth", self.h1.iface, GROWTH_GROUP,
                                            GROWTH_REPORTS, REPORT_RATE)
        # h2's stream goes on, burst after burst, for as long as h1 reports.
        bursts = 0
        while not growth.done():
            self.assert_only_h2_receives()
            bursts += 1
        self.assertEqual(growth.proc.returncode, 0, growth.output)
        print(growth.output.strip(), "; {} bursts to h2 meanwhile".format(bursts))
        self.wait_decoded(before, GROWTH_REPORTS)
        self.assertTrue(self.switch.running(), "mcsnoop died\n" + self.switch.log_tail())
        self.assert_only_h2_receives()

        sources = [g for g in self.switch.show("groups") if g["group"] == GROWTH_GROUP]
        print("{} sources of {} in show groups after {} reports of 256".format(
            len(sources), GROWTH_GROUP, GROWTH_REPORTS))
        self.assertLessEqual(len(sources), 256, "the source list kept growing past one report")
        self.stop_switch_cleanly(self.switch)

    def test_group_flood(self):
        before = decoded(self.switch)
        out = raw_frames(self.h1, "group-flood", self.h1.iface, FLOOD_FIRST_GROUP, FLOOD_GROUPS,
                         REPORT_RATE)
        print(out)
        self.wait_decoded(before, FLOOD_GROUPS)

        # Another port's join after the flood: its group goes to it, and only to it. Judged by
        # what the hosts receive (`show groups` would list the whole flood).
        self.l2.join(VICTIM_GROUP)

        def h2_member():
            got, _ = self.source.burst(BURST, [(self.h3.ipv4, VICTIM_GROUP)], [self.l1, self.l2])
            return got["h2"][(self.h3.ipv4, VICTIM_GROUP)] == BURST and not got["h1"]
        wait_until(h2_member, "{} to go to h2 only after h2's join".format(VICTIM_GROUP))
        # The member socket too, not only the wire: the join really works.
        self.assert_delivered(self.l2, self.assert_only_h2_receives(), self.h3.ipv4, VICTIM_GROUP)
        stats = self.switch.show("stats")
        print("control:", {k: v for k, v in stats["control"].items() if k != "decode"})
        self.stop_switch_cleanly(self.switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(SourceLimits))
