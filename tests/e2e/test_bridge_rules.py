#!/usr/bin/python3
"""e2e_bridge_rules (issue 12): the 802.1Q rules a host cannot turn into an eavesdropping tool.

  - test_mac_flood_keeps_unicast_private: h3 sends frames from 100,000 source MACs (more than
    the default MAC table holds: a CAM overflow); then h1 and h2 ping each other, and h3 must
    see none of their echo frames (they would reach it if h1 and h2 could not be learned).
  - test_reserved_addresses_not_relayed: h1 sends LLDP (01:80:C2:00:00:0E) and LACP
    (01:80:C2:00:00:02) frames; neither h2 nor h3 receives them.

Each ends with broadcast markers from h1 and h2 (and h3 for the flood): they take the same
path through the switch as the frames under test, so once the listeners have seen them,
whatever the switch was going to deliver has arrived.
"""

import sys

import e2e_harness
from e2e_harness import SwitchTestCase, echoes_between, ping, raw_frames, wait_until

FLOOD_MACS = 100000
FLOOD_RATE = 25000     # frames/s, so that a busy-polling worker sharing a loaded CPU keeps up
FLOOD_RECEIVED = 80000 # at least this much must arrive: more MACs than the default table holds
# h3's packet ring in frames (net_af_packet's default is 512): room for a second of the flood
# while the worker lcore is descheduled.
FLOOD_PORT_FRAMES = 32768
PINGS = 5
LEARN_SETTLE_TIMEOUT_S = 60.0


class BridgeRules(SwitchTestCase):

    def setUp(self):
        self.topo = self.make_topology(3)
        self.h1, self.h2, self.h3 = self.topo["h1"], self.topo["h2"], self.topo["h3"]
        # The same switch for both tests; only the flood needs h3's larger packet ring.
        # No MRD solicitations and no querier: the only frames are the test's.
        self.switch = self.start_switch(
            self.topo, {h.name: 10 for h in self.topo.hosts}, vlans=[{"id": 10}],
            snooping={"mrd_solicit": False, "mld": False},
            port_options={"h3": {"device": "net_af_packet2,iface={},framecnt={}".format(
                self.h3.sw_iface, FLOOD_PORT_FRAMES)}})

    def wait_learning_settled(self):
        """Until the flood has been received and every learn event it caused is handled: h3's
        rx_packets and the MAC table's counters stop moving (two equal readings half a second
        apart). Returns (h3 rx_packets, mac_table stats)."""
        last = [None]

        def settled():
            table = self.switch.show("stats")["mac_table"]
            rx = self.switch.port("h3")["rx_packets"]
            now = (rx, table["entries"], table["learn_events"])
            same, last[0] = now == last[0], now
            return (rx, table) if same else None
        rx, table = wait_until(settled, "MAC learning to settle", timeout=LEARN_SETTLE_TIMEOUT_S,
                               interval=0.5)
        self.assertGreaterEqual(rx, FLOOD_RECEIVED, "the switch received too little of the flood")
        return rx, table

    def test_mac_flood_keeps_unicast_private(self):
        spy = self.listener(self.h3)
        senders = [self.sender(self.h1), self.sender(self.h2)]
        print(raw_frames(self.h3, "mac-flood", self.h3.iface, FLOOD_MACS, self.h3.mac, FLOOD_RATE))
        rx, table = self.wait_learning_settled()
        print("after the flood: h3 rx_packets", rx, "mac_table", table, "h3 drops",
              {k: v for k, v in self.switch.port("h3")["drops"].items() if v})

        ok, out = ping(self.h1, self.h2.ipv4, PINGS)
        self.assertTrue(ok, "h1 -> h2: " + out)
        ok, out = ping(self.h2, self.h1.ipv4, PINGS)
        self.assertTrue(ok, "h2 -> h1: " + out)
        for s in senders:
            s.markers([spy])
        leaked = echoes_between(spy, self.h1, self.h2)
        self.assertEqual(leaked, [], "h3 saw {} echo frames between h1 and h2".format(len(leaked)))
        self.stop_switch_cleanly(self.switch)

    def test_reserved_addresses_not_relayed(self):
        listeners = [self.listener(self.h2), self.listener(self.h3)]
        marker = self.sender(self.h1)
        # 0e LLDP, 02 LACP (slow protocols), and the others of 01-0f but PAUSE (01), which a
        # veth may not carry as a frame.
        print(raw_frames(self.h1, "reserved", self.h1.iface, "0e", "02", "03", "0f"))
        marker.markers(listeners)
        for l in listeners:
            self.assertEqual(l.reserved(), [], "reserved-address frames reached " + l.host.name)
        print("h1 drops:", {k: v for k, v in self.switch.port("h1")["drops"].items() if v})
        self.stop_switch_cleanly(self.switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(BridgeRules))
