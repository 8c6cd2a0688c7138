#!/usr/bin/python3
"""e2e_igmp: IGMP snooping between Linux hosts whose own kernels join and leave.

h1..h4 share VLAN 10; the switch is the VLAN's IGMPv3 querier with short timers. h4 sends, the
others listen on the wire (AF_PACKET) so that what the switch delivers is seen even where the
host's IP stack would drop it. Unregistered multicast goes to router ports only (there are
none here), so a pruned group reaches nobody and a prune is visible on the wire.
"""

import sys

import e2e_harness
from e2e_harness import group_ports
from multicast_case import BURST, MulticastTestCase

ASM_GROUP = "239.1.1.1"
V2_GROUP = "239.1.1.2"
SSM_GROUP = "232.1.1.1"
OTHER_SOURCE = "10.0.0.44"  # a second address of h4: a source h2 did not ask for


class IgmpSnooping(MulticastTestCase):

    def setUp(self):
        self.topo = self.make_topology(4)
        self.switch = self.start_switch(
            self.topo, {h.name: 10 for h in self.topo.hosts},
            vlans=[{"id": 10,
                    "querier": {"enabled": True, "address": "10.0.0.254", "version": 3}}],
            snooping={"query_interval": "10s", "query_response_interval": "2s",
                      "last_member_query_interval": "500ms", "unregistered": "router-ports",
                      "mld": False})
        self.h1, self.h2, self.h3, self.h4 = (self.topo[n] for n in ("h1", "h2", "h3", "h4"))

    def test_igmpv3_asm_and_ssm(self):
        self.h4.run("ip", "addr", "add", OTHER_SOURCE + "/24", "dev", self.h4.iface)
        l1, l2, l3 = self.listener(self.h1), self.listener(self.h2), self.listener(self.h3)
        sender = self.sender(self.h4)
        src = self.h4.ipv4

        l1.join(ASM_GROUP)
        l2.join(SSM_GROUP, src)
        self.wait_member(self.switch, ASM_GROUP, "h1")
        self.wait_member(self.switch, SSM_GROUP, "h2", source=src)
        groups = self.switch.show("groups")
        self.assertEqual(group_ports(groups, ASM_GROUP, vlan=10), {"h1"}, groups)

        got, tag = sender.burst(BURST, [(src, ASM_GROUP), (src, SSM_GROUP),
                                        (OTHER_SOURCE, SSM_GROUP)], [l1, l2, l3])
        self.assert_burst(got, {
            "h1": [(src, ASM_GROUP)],   # its group only
            "h2": [(src, SSM_GROUP)],   # its (S,G) only: not the other source, not h1's group
            "h3": [],                   # joined nothing: snooping keeps everything away
        })
        self.assert_delivered(l1, tag, src, ASM_GROUP)
        self.assert_delivered(l2, tag, src, SSM_GROUP)

        # IGMPv3 leave: TO_IN({}), then the switch's group-specific queries go unanswered.
        self.assert_pruned_after_leave(self.switch, sender, [l1, l2, l3], l1, src, ASM_GROUP)
        got, _ = sender.burst(BURST, [(src, SSM_GROUP)], [l1, l2, l3])
        self.assert_burst(got, {"h1": [], "h2": [(src, SSM_GROUP)], "h3": []})

        self.stop_switch_cleanly(self.switch)

    def test_igmpv2_host(self):
        self.h1.sysctl("net.ipv4.conf.all.force_igmp_version", 2)
        l1, l2, l3 = self.listener(self.h1), self.listener(self.h2), self.listener(self.h3)
        sender = self.sender(self.h4)
        src = self.h4.ipv4

        l1.join(V2_GROUP)
        self.wait_member(self.switch, V2_GROUP, "h1")
        got, tag = sender.burst(BURST, [(src, V2_GROUP)], [l1, l2, l3])
        self.assert_burst(got, {"h1": [(src, V2_GROUP)], "h2": [], "h3": []})
        self.assert_delivered(l1, tag, src, V2_GROUP)

        leaves_before = self.switch.show("stats")["snooping"]["leaves"]
        # IGMPv2 leave: a Leave Group message, then the last member queries.
        self.assert_pruned_after_leave(self.switch, sender, [l1, l2, l3], l1, src, V2_GROUP)
        self.assertGreater(self.switch.show("stats")["snooping"]["leaves"], leaves_before,
                           "the switch counted no IGMPv2 Leave from h1")

        self.stop_switch_cleanly(self.switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(IgmpSnooping))
