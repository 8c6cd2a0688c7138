#!/usr/bin/python3
"""e2e_mld: MLD snooping between Linux hosts whose own kernels join and leave IPv6 groups.

As e2e_igmp, for IPv6: h1..h4 in VLAN 10, the switch is the MLDv2 querier (and IGMP querier),
h4 sends to ff0e::1:1, h1 joins it, h2 and h3 do not. Link-local groups (the hosts' solicited-
node groups) are flooded as RFC 4541 requires, which is why the listeners count only the test's
UDP port.
"""

import sys

import e2e_harness
from e2e_harness import group_ports
from multicast_case import BURST, MulticastTestCase

GROUP = "ff0e::1:1"
V1_GROUP = "ff0e::1:2"


class MldSnooping(MulticastTestCase):

    def setUp(self):
        self.topo = self.make_topology(4, ipv6=True)
        self.switch = self.start_switch(
            self.topo, {h.name: 10 for h in self.topo.hosts},
            vlans=[{"id": 10,
                    "querier": {"enabled": True, "address": "10.0.0.254", "version": 3,
                                "address6": "fe80::254", "mld_version": 2}}],
            snooping={"query_interval": "10s", "query_response_interval": "2s",
                      "last_member_query_interval": "500ms", "unregistered": "router-ports",
                      "mld": True})
        self.h1, self.h2, self.h3, self.h4 = (self.topo[n] for n in ("h1", "h2", "h3", "h4"))

    def run_scenario(self, group):
        l1, l2, l3 = self.listener(self.h1), self.listener(self.h2), self.listener(self.h3)
        sender = self.sender(self.h4)
        src = self.h4.ipv6

        l1.join(group)
        self.wait_member(self.switch, group, "h1")
        self.assertEqual(group_ports(self.switch.show("groups"), group, vlan=10), {"h1"})

        got, tag = sender.burst(BURST, [(src, group)], [l1, l2, l3])
        self.assert_burst(got, {"h1": [(src, group)], "h2": [], "h3": []})
        self.assert_delivered(l1, tag, src, group)

        self.assert_pruned_after_leave(self.switch, sender, [l1, l2, l3], l1, src, group)
        self.stop_switch_cleanly(self.switch)

    def test_mldv2_host(self):
        self.run_scenario(GROUP)

    def test_mldv1_host(self):
        # MLDv1 Report and Done messages instead of MLDv2 state changes.
        self.h1.sysctl("net.ipv6.conf.all.force_mld_version", 1)
        self.run_scenario(V1_GROUP)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(MldSnooping))
