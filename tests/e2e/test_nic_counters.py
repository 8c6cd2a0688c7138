#!/usr/bin/python3
"""e2e_nic_counters: the NIC's own error counters, moved by the mcsnoop binary's real devices
and read where operators read them (`mcsnoopctl show ports`, /metrics with a real HTTP client).

Which DPDK 22.11 virtual device counts which counter, with the PMD lines, is in
docs/control-socket.md ("Which virtual device counts which NIC counter"); the pipeline test
pipeline/device_counters_test.cpp covers rx_nombuf and ierrors, which need the mbuf pool
emptied from inside the process.

- oerrors: h2's port is net_af_packet with `framesz=1024`, so its TX ring's frames hold 992
  bytes; 1200-byte broadcasts from h1 are flooded to it and dropped and counted by the PMD,
  600-byte ones go out.
- imissed: h1's port is net_pcap on the veth (`iface=`). While the switch is stopped (SIGSTOP)
  h1 floods 1514-byte frames; the kernel's capture ring (libpcap's 2 MB) fills and the kernel
  drops the rest, which libpcap reports as ps_drop and net_pcap as imissed.
"""

import os
import signal
import subprocess
import sys

import e2e_harness
from e2e_harness import SwitchTestCase, wait_until
from metrics_scrape import free_tcp_port, scrape
from switch_process import Switch

SIZED_FRAMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sized_frames.py")
BIG, SMALL, COUNT = 1200, 600, 20


class NicErrorCounters(SwitchTestCase):

    def start(self, devices):
        """The switch with h1 and h2 in VLAN 10; devices: {host: device string with {iface}
        for the host's switch-side veth}, the other ports af_packet as usual."""
        self.topo = self.make_topology(2)
        options = {h: {"device": d.format(iface=self.topo[h].sw_iface)} for h, d in devices.items()}
        switch = Switch(self.topo, {h.name: 10 for h in self.topo.hosts},
                        vlans=[{"id": 10}], snooping={"mld": False}, port_options=options)
        self.url = "http://127.0.0.1:{}/metrics".format(free_tcp_port())
        switch.config["control"]["metrics"] = {"listen": self.url.split("/")[2]}
        self.addCleanup(lambda: switch.cleanup(keep_log=not self._passed_so_far()))
        self.switch = switch.start()
        self.h1, self.h2 = self.topo["h1"], self.topo["h2"]

    def send(self, host, count, size):
        done = subprocess.run(host.cmd(sys.executable, SIZED_FRAMES, host.iface, str(count), str(size)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stdout)
        return int(done.stdout.split()[1])

    def nic(self, port):
        return self.switch.port(port)["nic"]

    def test_frames_longer_than_the_af_packet_frame_are_oerrors(self):
        self.start({"h2": "net_af_packet1,iface={iface},framesz=1024"})
        before = self.nic("h2")
        self.assertEqual(self.send(self.h1, COUNT, SMALL), COUNT)
        wait_until(lambda: self.nic("h2")["opackets"] - before["opackets"] >= COUNT,
                   "{} frames of {} bytes out of h2".format(COUNT, SMALL))
        self.assertEqual(self.nic("h2")["oerrors"], 0, "the short frames fit")
        self.assertEqual(self.send(self.h1, COUNT, BIG), COUNT)
        page = wait_until(
            lambda: (lambda p: p if p.value("mcsnoop_nic_tx_errors_total", port="h2") >= COUNT else None)(
                scrape(self.url)),
            "mcsnoop_nic_tx_errors_total{{port=h2}} >= {}".format(COUNT))
        self.assertEqual(page.value("mcsnoop_nic_tx_errors_total", port="h2"), COUNT)
        self.assertEqual(page.value("mcsnoop_nic_tx_errors_total", port="h1"), 0)
        self.assertEqual(self.nic("h2")["oerrors"], COUNT)
        self.assertEqual(self.nic("h1")["ierrors"], 0, "h1 received all of them whole")
        self.stop_switch_cleanly(self.switch)

    def test_kernel_drops_while_the_switch_is_stopped_are_imissed(self):
        self.start({"h1": "net_pcap0,iface={iface}"})
        self.assertEqual(self.nic("h1")["imissed"], 0)
        os.kill(self.switch.proc.pid, signal.SIGSTOP)
        try:
            sent = self.send(self.h1, 5000, 1514)  # 7.5 MB against a 2 MB capture buffer
        finally:
            os.kill(self.switch.proc.pid, signal.SIGCONT)
        nic = wait_until(lambda: (lambda n: n if n["imissed"] > 0 else None)(self.nic("h1")),
                         "imissed > 0 on h1")
        print("{} frames sent to a stopped switch: {} missed, {} read".format(sent, nic["imissed"], nic["ipackets"]))
        self.assertLess(nic["imissed"], sent)
        self.assertGreater(nic["ipackets"], 0, "what the buffer held was read after SIGCONT")
        page = scrape(self.url)
        self.assertGreaterEqual(page.value("mcsnoop_nic_rx_missed_total", port="h1"), nic["imissed"])
        self.assertEqual(page.value("mcsnoop_nic_rx_missed_total", port="h2"), 0)
        self.stop_switch_cleanly(self.switch)


if __name__ == "__main__":
    sys.exit(e2e_harness.main(NicErrorCounters))
