#!/usr/bin/python3
"""e2e_router_guard (issue 8): spoofed queries from a port with `router_guard: true` neither
silence the switch's querier nor reach the other hosts.

The switch queries VLAN 10 as 10.0.0.254 every 2 s. h3, on a guarded port, sends IGMPv3
general queries from 10.0.0.9 (a lower address: it would win the election) with QRV 7 and the
largest QQIC (31744 s), so that a switch that listened would stay silent for hours. Then:
the switch still says it is the querier, h1 and h2 keep receiving its general queries, they
never see one of h3's, and h3's port is not a router port.

Synchronisation: after the spoofed queries h3 joins a group with its kernel; once `show groups`
lists that join, the control lcore has handled every frame h3 sent before it (one port, one
punt ring, in order). The general queries the switch sends after that reach h1 and h2 behind
anything it might have forwarded from h3, on the same path.
"""

import sys

import e2e_harness
from e2e_harness import SwitchTestCase, raw_frames, wait_until

SWITCH_QUERIER = "10.0.0.254"
SPOOFED_QUERIER = "10.0.0.9"
SPOOFED_QUERIES = 5
PROBE_GROUP = "239.5.5.5"
QUERY_INTERVAL_S = 2
IGMP_QUERY = 0x11
ALL_HOSTS = "224.0.0.1"


def ipv4_querier(switch):
    return next(q for q in switch.show("querier") if q["vlan"] == 10 and q["family"] == "ipv4")


class RouterGuard(SwitchTestCase):

    def general_queries(self, listener, source, start=0):
        return [q for q in listener.igmp(start)
                if q[0] == IGMP_QUERY and q[1] == source and q[2] == ALL_HOSTS]

    def test_spoofed_queries_from_guarded_port(self):
        topo = self.make_topology(3)
        h3 = topo["h3"]
        switch = self.start_switch(
            topo, {h.name: 10 for h in topo.hosts},
            vlans=[{"id": 10, "querier": {"enabled": True, "address": SWITCH_QUERIER,
                                          "version": 3}}],
            snooping={"query_interval": "{}s".format(QUERY_INTERVAL_S),
                      "query_response_interval": "1s", "mld": False, "mrd_solicit": False},
            port_options={"h3": {"router_guard": True}})
        watchers = [self.listener(topo["h1"]), self.listener(topo["h2"])]
        probe = self.listener(h3)
        for w in watchers:
            wait_until(lambda: self.general_queries(w, SWITCH_QUERIER),
                       "{} to hear the switch's general query".format(w.host.name))
        self.assertTrue(ipv4_querier(switch)["self"], switch.show("querier"))

        print(raw_frames(h3, "query", h3.iface, SPOOFED_QUERIER, SPOOFED_QUERIES))
        probe.join(PROBE_GROUP)
        wait_until(lambda: "h3" in next((g["ports"] for g in switch.show("groups")
                                         if g["group"] == PROBE_GROUP), []),
                   "h3's join sent after the spoofed queries to show")
        starts = [w.event_count() for w in watchers]

        querier = ipv4_querier(switch)
        self.assertTrue(querier["self"], "the spoofed querier won the election: {}".format(querier))
        self.assertEqual(querier["querier"], SWITCH_QUERIER)
        # Two more general queries of the switch, at its own interval, to both hosts.
        for w, start in zip(watchers, starts):
            wait_until(lambda: len(self.general_queries(w, SWITCH_QUERIER, start)) >= 2,
                       "{} to hear two more general queries of the switch".format(w.host.name),
                       timeout=2 * QUERY_INTERVAL_S + 4)
        self.assertTrue(ipv4_querier(switch)["self"], switch.show("querier"))
        for w in watchers:
            leaked = [q for q in w.igmp() if q[1] == SPOOFED_QUERIER]
            self.assertEqual(leaked, [], "h3's spoofed queries reached " + w.host.name)
        routers = [r for r in switch.show("routers") if r["port"] == "h3"]
        self.assertEqual(routers, [], "h3 became a router port")
        dropped = switch.port("h3")["dropped_router_guard"]
        self.assertGreaterEqual(dropped, SPOOFED_QUERIES, "h3's dropped_router_guard")
        print("h3 dropped_router_guard:", dropped)
        self.stop_switch_cleanly(switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(RouterGuard))
