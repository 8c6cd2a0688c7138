#!/usr/bin/python3
"""e2e_learning (issue 13): no flood window after learning. A newly seen host's first unicast
frames go only to it.

50 times: h2 takes a fresh MAC address (so the switch must learn it anew), h1 flushes its
neighbour table and pings h2 once. h2's ARP reply is the first frame from the new address and
h1's echo request to it follows within microseconds: a switch that learns asynchronously
floods that request. h3 counts echo frames: there must be none.
"""

import os
import sys

import e2e_harness
from e2e_harness import SwitchTestCase, echoes_between, ping

ROUNDS = 50


def fresh_mac(round_index):
    # Locally administered unicast, different in every round and every run.
    return "02:13:{:02x}:{:02x}:{:02x}:{:02x}".format(os.getpid() >> 8 & 0xFF, os.getpid() & 0xFF,
                                                      round_index >> 8 & 0xFF, round_index & 0xFF)


class Learning(SwitchTestCase):

    def test_first_unicast_to_new_mac_not_flooded(self):
        topo = self.make_topology(3)
        h1, h2, h3 = topo["h1"], topo["h2"], topo["h3"]
        switch = self.start_switch(topo, {h.name: 10 for h in topo.hosts}, vlans=[{"id": 10}],
                                   snooping={"mrd_solicit": False, "mld": False})
        spy = self.listener(h3)
        senders = [self.sender(h1), self.sender(h2)]
        for i in range(ROUNDS):
            h2.run("ip", "link", "set", "dev", h2.iface, "address", fresh_mac(i))
            h1.run("ip", "neigh", "flush", "dev", h1.iface)
            ok, out = ping(h1, h2.ipv4, 1, wait_s=2)
            self.assertTrue(ok, "round {}: h1 -> h2: {}".format(i, out))
        for s in senders:
            s.markers([spy])
        leaked = echoes_between(spy, h1, h2)
        self.assertEqual(leaked, [], "h3 saw {} echo frames between h1 and h2 in {} rounds".format(
            len(leaked), ROUNDS))
        print("{} rounds, no echo frame reached h3; mac_table {}".format(
            ROUNDS, switch.show("stats")["mac_table"]))
        self.stop_switch_cleanly(switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(Learning))
