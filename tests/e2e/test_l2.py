#!/usr/bin/python3
"""e2e_l2: plain switching between kernel hosts, VLAN isolation, port counters, clean stop.

h1 and h2 sit on access ports of VLAN 10, h3 on VLAN 20 with an address of the same IP subnet,
so only the switch's VLANs keep h1 and h3 apart.
"""

import os
import subprocess
import sys

import e2e_harness
from e2e_harness import SwitchTestCase, wait_until


ICMP_ECHO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icmp_echo.py")


def ping(host, address, count, wait_s=1):
    """True if `host` got at least one echo reply from `address`."""
    done = subprocess.run(host.cmd(sys.executable, ICMP_ECHO, address, str(count), str(wait_s)),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode == 0


class L2Switching(SwitchTestCase):
    def test_vlans_counters_and_clean_stop(self):
        topo = self.make_topology(3)
        h1, h2, h3 = topo["h1"], topo["h2"], topo["h3"]
        # No MRD solicitations (RFC 4286): the switch's own frames would count in h3's
        # tx_packets, which must show that nothing crossed from VLAN 10.
        switch = self.start_switch(topo, {"h1": 10, "h2": 10, "h3": 20},
                                   vlans=[{"id": 10}, {"id": 20}], snooping={"mrd_solicit": False})
        watch_h2 = self.listener(h2)
        watch_h3 = self.listener(h3)

        # Same VLAN: the first pings may go before ARP settles, so poll for a reply.
        wait_until(lambda: ping(h1, h2.ipv4, 1), "h1 -> h2 ping reply")
        self.assertTrue(ping(h1, h2.ipv4, 5, wait_s=2), "h1 -> h2: no reply to 5 pings")

        # Other VLAN, same subnet: ARP for h3 must never leave VLAN 10.
        self.assertFalse(ping(h1, h3.ipv4, 3), "h1 reached h3 across VLANs")
        # h2 shares h1's VLAN: its ARP requests for h3 reach h2, which proves they were sent
        # (and that the markers of isolation below are not just silence).
        wait_until(lambda: any(op == 1 and s == h1.ipv4 and t == h3.ipv4
                               for op, s, t in watch_h2.arp()),
                   "h1's ARP request for h3 flooded to h2")
        leaked = [a for a in watch_h3.arp() if a[1] == h1.ipv4]
        self.assertEqual(leaked, [], "h1's ARP crossed from VLAN 10 to h3 in VLAN 20")

        ports = {p["name"]: p for p in switch.show("ports")}
        self.assertEqual(set(ports), {"h1", "h2", "h3"})
        for name in ("h1", "h2"):
            self.assertGreater(ports[name]["rx_packets"], 0, name + " rx_packets")
            self.assertGreater(ports[name]["tx_packets"], 0, name + " tx_packets")
            self.assertEqual(ports[name]["link"], "up")
        # Nothing of VLAN 10 was sent out of h3's port (h3 itself sent nothing: IPv6 is off).
        self.assertEqual(ports["h3"]["tx_packets"], 0, "frames leaked to VLAN 20")

        self.stop_switch_cleanly(switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(L2Switching))
