#!/usr/bin/python3
"""e2e_metrics: /metrics scraped with a real HTTP client while Linux hosts join and leave.

h1..h3 share VLAN 10; the switch is the VLAN's IGMPv3 querier with short timers and serves
control.metrics.listen on 127.0.0.1. h1 and h2 join a group through their kernels' IGMP
stacks, h3 sends to it, then h1 and h2 leave. After each step the page (fetched with urllib,
parsed with python3-prometheus-client) must show it: per-port IGMP and group counts, the VLAN's
group gauge, the engine's report/record counters, multicast lookups and deliveries, queries
sent, and the lcores' busy cycles.
"""

import sys

import e2e_harness
from e2e_harness import wait_until
from metrics_scrape import free_tcp_port, scrape
from multicast_case import BURST, MulticastTestCase
from switch_process import Switch

GROUP = "239.3.3.3"
VLAN = "10"


class MetricsWhileHostsJoinAndLeave(MulticastTestCase):

    def setUp(self):
        self.topo = self.make_topology(3)
        switch = Switch(self.topo, {h.name: 10 for h in self.topo.hosts},
                        vlans=[{"id": 10,
                                "querier": {"enabled": True, "address": "10.0.0.254", "version": 3}}],
                        snooping={"query_interval": "10s", "query_response_interval": "2s",
                                  "last_member_query_interval": "500ms",
                                  "unregistered": "router-ports", "mld": False})
        self.url = "http://127.0.0.1:{}/metrics".format(free_tcp_port())
        switch.config["control"]["metrics"] = {"listen": self.url.split("/")[2]}
        self.addCleanup(lambda: switch.cleanup(keep_log=not self._passed_so_far()))
        self.switch = switch.start()
        self.h1, self.h2, self.h3 = (self.topo[n] for n in ("h1", "h2", "h3"))

    def wait_page(self, check, what, timeout=10.0):
        """Scrapes until check(page) holds; returns that page."""
        found = []

        def attempt():
            page = scrape(self.url)
            if check(page):
                found.append(page)
                return True
            return False
        wait_until(attempt, what, timeout=timeout, interval=0.2)
        return found[-1]

    def test_counters_follow_joins_traffic_and_leaves(self):
        start = scrape(self.url)
        for h in ("h1", "h2", "h3"):
            self.assertEqual(start.value("mcsnoop_port_link_up", port=h), 1)
            self.assertEqual(start.value("mcsnoop_port_groups", port=h), 0)
        self.assertEqual(start.value("mcsnoop_vlan_groups", vlan=VLAN), 0)

        l1, l2 = self.listener(self.h1), self.listener(self.h2)
        sender = self.sender(self.h3)
        src = self.h3.ipv4

        # h1 joins: its port's IGMP and group counts, the VLAN's groups and the engine move.
        l1.join(GROUP)
        self.wait_member(self.switch, GROUP, "h1")
        joined1 = self.wait_page(lambda p: p.value("mcsnoop_port_groups", port="h1") == 1,
                                 "mcsnoop_port_groups{port=h1} == 1")
        self.assertEqual(joined1.value("mcsnoop_vlan_groups", vlan=VLAN), 1)
        self.assertEqual(joined1.value("mcsnoop_groups"), 1)
        self.assertGreaterEqual(joined1.value("mcsnoop_mft_entries"), 1)
        self.assertGreater(joined1.value("mcsnoop_port_igmp_rx_packets_total", port="h1"),
                           start.value("mcsnoop_port_igmp_rx_packets_total", port="h1"))
        self.assertGreater(joined1.value("mcsnoop_snooping_reports_total"),
                           start.value("mcsnoop_snooping_reports_total"))
        self.assertEqual(joined1.value("mcsnoop_port_groups", port="h2"), 0)

        # h2 joins the same group: one more membership, still one group in the VLAN.
        l2.join(GROUP)
        self.wait_member(self.switch, GROUP, "h2")
        joined2 = self.wait_page(lambda p: p.value("mcsnoop_port_groups", port="h2") == 1,
                                 "mcsnoop_port_groups{port=h2} == 1")
        self.assertEqual(joined2.value("mcsnoop_vlan_groups", vlan=VLAN), 1)

        # h3 sends: lookups on h3's port, deliveries on h1's and h2's.
        got, _ = sender.burst(BURST, [(src, GROUP)], [l1, l2])
        self.assert_burst(got, {"h1": [(src, GROUP)], "h2": [(src, GROUP)]})
        sent = self.wait_page(
            lambda p: p.value("mcsnoop_port_mcast_lookups_total", port="h3")
            - joined2.value("mcsnoop_port_mcast_lookups_total", port="h3") >= BURST,
            "{} more multicast lookups on h3".format(BURST))
        for h in ("h1", "h2"):
            self.assertGreaterEqual(sent.value("mcsnoop_port_tx_packets_total", port=h)
                                    - joined2.value("mcsnoop_port_tx_packets_total", port=h), BURST, h)
            self.assertGreaterEqual(sent.value("mcsnoop_nic_tx_packets_total", port=h)
                                    - joined2.value("mcsnoop_nic_tx_packets_total", port=h), BURST, h)
        self.assertGreaterEqual(sent.value("mcsnoop_port_rx_packets_total", port="h3")
                                - joined2.value("mcsnoop_port_rx_packets_total", port="h3"), BURST)
        # The NIC's own byte counters (af_packet counts them; the ring PMD of the pipeline
        # tests does not): at least a minimal Ethernet frame per datagram.
        for h in ("h1", "h2"):
            self.assertGreaterEqual(sent.value("mcsnoop_nic_tx_bytes_total", port=h)
                                    - joined2.value("mcsnoop_nic_tx_bytes_total", port=h), BURST * 60, h)
        self.assertGreaterEqual(sent.value("mcsnoop_nic_rx_bytes_total", port="h3")
                                - joined2.value("mcsnoop_nic_rx_bytes_total", port="h3"), BURST * 60)

        # h1 leaves (IGMPv3 TO_IN({})): its membership goes, the group stays for h2.
        l1.leave(GROUP)
        left1 = self.wait_page(lambda p: p.value("mcsnoop_port_groups", port="h1") == 0,
                               "mcsnoop_port_groups{port=h1} == 0")
        self.assertEqual(left1.value("mcsnoop_port_groups", port="h2"), 1)
        self.assertEqual(left1.value("mcsnoop_vlan_groups", vlan=VLAN), 1)
        self.assertGreater(left1.value("mcsnoop_snooping_records_total"),
                           sent.value("mcsnoop_snooping_records_total"))

        # h2 leaves: the VLAN is empty again; the querier asked about the group on the way.
        l2.leave(GROUP)
        empty = self.wait_page(lambda p: p.value("mcsnoop_vlan_groups", vlan=VLAN) == 0,
                               "mcsnoop_vlan_groups{vlan=10} == 0")
        self.assertEqual(empty.value("mcsnoop_groups"), 0)
        self.assertEqual(empty.value("mcsnoop_port_groups", port="h2"), 0)
        self.assertGreater(empty.value("mcsnoop_queries_sent_total"),
                           sent.value("mcsnoop_queries_sent_total"))  # group-specific queries
        self.assertGreater(empty.value("mcsnoop_lcore_busy_cycles_total", lcore="1", role="worker"),
                           start.value("mcsnoop_lcore_busy_cycles_total", lcore="1", role="worker"))
        self.assertGreater(empty.value("mcsnoop_metrics_http_responses_total", code="2xx"),
                           start.value("mcsnoop_metrics_http_responses_total", code="2xx"))
        self.assertEqual(empty.value("mcsnoop_port_drops_total", port="h1", reason="malformed"), 0)

        self.stop_switch_cleanly(self.switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(MetricsWhileHostsJoinAndLeave))
