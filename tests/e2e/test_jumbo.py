#!/usr/bin/python3
"""e2e_jumbo: ports[].mtu between kernel hosts. With `mtu: 9000` on both ports an 8000-byte UDP
datagram (Don't Fragment: one 8042-byte frame) crosses the switch whole, without anyone setting
the MTU of the switch's own interfaces or af_packet's ring size; at the default MTU it does not
cross (the kernel drops the frame at the switch's interface), while small datagrams do. A
reload changes the MTU live within the af_packet ring sized at start, and refuses beyond it.
With mixed MTUs in a VLAN the switch drops a frame longer than the egress port's MTU allows
and counts it (drops.tx_mtu_exceeded).
"""

import json
import os
import subprocess
import sys

import e2e_harness
from e2e_harness import Background, SwitchTestCase, wait_until

UDP_DATAGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "udp_datagram.py")
PORT = 5009
JUMBO = 8000


def send(host, address, size):
    done = subprocess.run(host.cmd(sys.executable, UDP_DATAGRAM, "send", address, str(PORT), str(size)),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    if done.returncode != 0:
        raise AssertionError("udp_datagram.py send in {}: {}".format(host.name, done.stdout))


def kernel_mtu(iface):
    with open("/sys/class/net/{}/mtu".format(iface)) as f:
        return int(f.read())


def reload_with_mtu(switch, mtu):
    """Rewrites the running configuration with `mtu` on every port (None: no mtu key) and runs
    `mcsnoopctl reload --json`; the completed process."""
    for port in switch.config["ports"]:
        port.pop("mtu", None)
        if mtu is not None:
            port["mtu"] = mtu
    with open(switch.config_path, "w") as f:
        json.dump(switch.config, f, indent=2)
    return switch.ctl("reload", "--json")


class JumboFrames(SwitchTestCase):
    def hosts_at_9000(self, topo):
        for h in topo.hosts:
            h.run("ip", "link", "set", h.iface, "mtu", "9000")

    def receive(self, host):
        job = Background(host, sys.executable, UDP_DATAGRAM, "recv", str(PORT), "20")
        self.addCleanup(job.close)
        return job

    def exchange(self, topo, size):
        """Sizes h2 received of h1's datagram of `size` bytes, once the END marker after it came."""
        h1, h2 = topo["h1"], topo["h2"]
        job = self.receive(h2)
        wait_until(lambda: h2.run("ss", "-Hlun", "sport = :{}".format(PORT)).stdout.strip(),
                   "h2's receiver bound")
        send(h1, h2.ipv4, size)  # the first exchange also resolves ARP: both wait in its queue
        wait_until(job.done, "the END datagram at h2 (output so far: {})".format(job.output))
        self.assertEqual(job.proc.returncode, 0, job.output)
        return [line.strip() for line in job.output.splitlines() if line.strip()]

    def test_mtu_9000_carries_an_8000_byte_datagram(self):
        topo = self.make_topology(2)
        self.hosts_at_9000(topo)
        switch = self.start_switch(topo, {"h1": 10, "h2": 10}, vlans=[{"id": 10}],
                                   port_options={"h1": {"mtu": 9000}, "h2": {"mtu": 9000}})
        for h in topo.hosts:
            self.assertEqual(kernel_mtu(h.sw_iface), 9000, "mcsnoop set its interface's MTU")
            self.assertEqual(switch.port(h.name)["mtu"], 9000)
        self.assertEqual(self.exchange(topo, JUMBO), [str(JUMBO)], "one whole 8000-byte datagram")
        table = switch.ctl("show", "ports").stdout
        self.assertRegex(table, r"\nh1\s+up\s+9000\s", table)

        # Live: down to 1500 (the jumbo datagram no longer crosses), back to 9000 (it does), and
        # beyond the ring slots sized at start (refused, naming the port; nothing changes).
        done = reload_with_mtu(switch, 1500)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("ports[h1].mtu", [c["key"] for c in json.loads(done.stdout)["changes"]])
        self.assertEqual(kernel_mtu(topo["h1"].sw_iface), 1500)
        self.assertEqual(switch.port("h2")["mtu"], 1500)
        self.assertEqual(self.exchange(topo, JUMBO), [])
        done = reload_with_mtu(switch, 9000)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(self.exchange(topo, JUMBO), [str(JUMBO)])
        done = reload_with_mtu(switch, 9600)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        answer = json.loads(done.stdout)
        self.assertFalse(answer["applied"])
        self.assertTrue(any("ports[h1].mtu: 9000 -> 9600" in e and "restart" in e for e in answer["errors"]),
                        answer["errors"])
        for h in topo.hosts:
            self.assertEqual(kernel_mtu(h.sw_iface), 9000, "set back / never changed")
            self.assertEqual(switch.port(h.name)["mtu"], 9000)
        self.stop_switch_cleanly(switch)

    def test_default_mtu_drops_it_and_carries_small_ones(self):
        topo = self.make_topology(2)
        self.hosts_at_9000(topo)
        switch = self.start_switch(topo, {"h1": 10, "h2": 10}, vlans=[{"id": 10}])
        for h in topo.hosts:
            self.assertEqual(kernel_mtu(h.sw_iface), 1500, "left as it was")
            self.assertEqual(switch.port(h.name)["mtu"], 1500)
        self.assertEqual(self.exchange(topo, JUMBO), [], "the jumbo datagram must not cross")
        self.assertEqual(self.exchange(topo, 1400), ["1400"])
        self.stop_switch_cleanly(switch)

    def test_a_frame_longer_than_the_egress_mtu_is_dropped_and_counted(self):
        # h1's port at 9000, h2's at the default: the jumbo datagram enters the switch whole and
        # is dropped at h2's port (tx_mtu_exceeded), not handed to the kernel oversized.
        topo = self.make_topology(2)
        self.hosts_at_9000(topo)
        switch = self.start_switch(topo, {"h1": 10, "h2": 10}, vlans=[{"id": 10}],
                                   port_options={"h1": {"mtu": 9000}})
        self.assertEqual(switch.port("h1")["mtu"], 9000)
        self.assertEqual(switch.port("h2")["mtu"], 1500)
        self.assertEqual(self.exchange(topo, JUMBO), [], "no 8042-byte frame out of a 1500-byte port")
        wait_until(lambda: switch.port("h2")["drops"]["tx_mtu_exceeded"] >= 1,
                   "tx_mtu_exceeded on h2's port")
        self.assertEqual(switch.port("h2")["nic"]["oerrors"], 0, "never handed to the device")
        self.assertEqual(self.exchange(topo, 1400), ["1400"], "frames within the MTU still cross")
        self.stop_switch_cleanly(switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(JumboFrames))
