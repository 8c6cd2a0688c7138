#!/usr/bin/python3
"""e2e_reload: live reload of a running switch between Linux hosts (`mcsnoopctl reload`,
SIGHUP) and its systemd notifications (NOTIFY_SOCKET).

h1 and h2 listen, h3 sends; all in VLAN 10, the switch is the IGMPv3 querier. Unregistered
multicast goes to router ports only (there are none), so a membership lost by a reload would
show as lost datagrams, not as flooding.
"""

import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time

import e2e_harness
from e2e_harness import group_ports, wait_until
from multicast_case import BURST, MulticastTestCase

GROUP = "239.1.1.1"
MIN_BURSTS = 5  # bursts sent while reloads run, at least


class LiveReload(MulticastTestCase):

    def setUp(self):
        self.topo = self.make_topology(3)
        self.h1, self.h2, self.h3 = (self.topo[n] for n in ("h1", "h2", "h3"))

    def start(self, **extra):
        self.switch = self.start_switch(
            self.topo, {h.name: 10 for h in self.topo.hosts},
            vlans=[{"id": 10, "querier": {"enabled": True, "address": "10.0.0.254", "version": 3}}],
            snooping={"query_interval": "10s", "query_response_interval": "2s",
                      "last_member_query_interval": "2s", "unregistered": "router-ports",
                      "mld": False},
            **extra)
        return self.switch

    def rewrite_config(self, edit):
        """Applies `edit(config dict)` and writes the switch's file again (JSON is YAML)."""
        edit(self.switch.config)
        with open(self.switch.config_path, "w") as f:
            json.dump(self.switch.config, f, indent=2)

    def port_config(self, name):
        return next(p for p in self.switch.config["ports"] if p["name"] == name)

    def joined_h1(self):
        l1, l2 = self.listener(self.h1), self.listener(self.h2)
        sender = self.sender(self.h3)
        l1.join(GROUP)
        self.wait_member(self.switch, GROUP, "h1")
        return l1, l2, sender

    def bursts_during(self, sender, listeners, action):
        """Bursts of the group, one after the other, while `action()` runs in a thread, until
        it has finished and at least MIN_BURSTS were sent; each burst must reach h1 whole and
        nobody else. Returns the action's result."""
        result = {}
        worker = threading.Thread(target=lambda: result.update(value=action()))
        worker.start()
        bursts = 0
        try:
            while worker.is_alive() or bursts < MIN_BURSTS:
                got, _ = sender.burst(BURST, [(self.h3.ipv4, GROUP)], listeners)
                bursts += 1
                self.assertEqual(dict(got["h1"]), {(self.h3.ipv4, GROUP): BURST},
                                 "h1 lost datagrams of its group in burst {} across the reload".format(bursts))
                self.assertEqual(dict(got["h2"]), {}, "h2 joined nothing")
        finally:
            worker.join(timeout=30)
        return result.get("value")

    def log_lines(self, fragment):
        with open(self.switch.log_path) as f:
            return [line for line in f if fragment in line]

    # ---- mcsnoopctl reload -----------------------------------------------------------------

    def test_reload_keeps_traffic_and_fast_leave_is_in_force_at_once(self):
        self.start()
        l1, l2, sender = self.joined_h1()
        self.rewrite_config(lambda c: self.port_config("h1").update({"fast_leave": True}))

        def reloads():
            outs = []
            for _ in range(3):
                outs.append(self.switch.ctl("reload"))
            return outs

        outs = self.bursts_during(sender, [l1, l2], reloads)
        first = outs[0]
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("ports[h1].fast_leave: false -> true", first.stdout)
        for later in outs[1:]:
            self.assertEqual(later.returncode, 0, later.stderr)
            self.assertIn("nothing changed", later.stdout)
        self.assertEqual(group_ports(self.switch.show("groups"), GROUP, vlan=10), {"h1"},
                         "the membership survived the reload")

        # Fast leave: the port goes at once, without the 2 x 2 s of last-member queries.
        fast_before = self.switch.show("stats")["snooping"]["fast_leaves"]
        l1.leave(GROUP)
        left = time.monotonic()
        self.wait_not_member(self.switch, GROUP, "h1")
        self.assertLess(time.monotonic() - left, 2.0, "pruned by the last-member queries, not fast leave")
        self.assertEqual(self.switch.show("stats")["snooping"]["fast_leaves"], fast_before + 1)
        self.stop_switch_cleanly(self.switch)

    def test_invalid_or_restart_requiring_file_is_refused_and_switch_keeps_running(self):
        self.start()
        l1, l2, sender = self.joined_h1()
        original = open(self.switch.config_path).read()

        self.rewrite_config(lambda c: self.port_config("h2").update({"fast_leave": "maybe"}))
        refused = self.switch.ctl("reload")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn("ports[1].fast_leave", refused.stderr)
        self.assertIn("refused", refused.stderr)

        self.rewrite_config(lambda c: (self.port_config("h2").update({"fast_leave": False}),
                                       self.port_config("h1").update({"vlan": 20,
                                                                      "fast_leave": True})))
        refused = self.switch.ctl("reload", "--json")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        answer = json.loads(refused.stdout)
        self.assertFalse(answer["applied"])
        self.assertIn("ports[h1].vlan", [c["key"] for c in answer["restart_required"]])
        self.assertIn("ports[h1].fast_leave", [c["key"] for c in answer["changes"]])

        self.assertTrue(self.switch.running())
        got, _ = sender.burst(BURST, [(self.h3.ipv4, GROUP)], [l1, l2])
        self.assert_burst(got, {"h1": [(self.h3.ipv4, GROUP)], "h2": []})
        with open(self.switch.config_path, "w") as f:
            f.write(original)
        self.assertEqual(self.switch.ctl("reload").returncode, 0)
        self.assertEqual(len(self.log_lines("refused, the running configuration is kept")), 2)
        self.stop_switch_cleanly(self.switch)

    # ---- SIGHUP ------------------------------------------------------------------------------

    def test_sighup_reloads_without_losing_traffic(self):
        self.start()
        l1, l2, sender = self.joined_h1()
        self.rewrite_config(lambda c: c["snooping"].update({"query_interval": "20s"}))

        def hangup():
            self.switch.proc.send_signal(signal.SIGHUP)
            return wait_until(lambda: self.log_lines("reload (SIGHUP)"), "the SIGHUP reload in the log")

        lines = self.bursts_during(sender, [l1, l2], hangup)
        self.assertIn("applied", lines[0])
        wait_until(lambda: self.log_lines("reload: snooping.query_interval: 10s -> 20s"),
                   "the change in the log")
        self.assertTrue(self.switch.running(), "SIGHUP must not end the switch")
        self.assertEqual(group_ports(self.switch.show("groups"), GROUP, vlan=10), {"h1"})
        self.stop_switch_cleanly(self.switch)

    # ---- systemd notifications -----------------------------------------------------------------

    def test_notify_socket_sees_ready_reloading_and_stopping(self):
        workdir = tempfile.mkdtemp(prefix="mcsnoop-notify-")
        path = os.path.join(workdir, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        self.addCleanup(lambda: (sock.close(), os.unlink(path), os.rmdir(workdir)))
        messages = []

        def received():
            sock.settimeout(0.1)
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                pass
            return messages

        def seen(field):
            return lambda: [m for m in received() if field in m.split("\n")]

        os.environ["NOTIFY_SOCKET"] = path
        try:
            self.start()
        finally:
            del os.environ["NOTIFY_SOCKET"]
        wait_until(seen("READY=1"), "READY=1 on NOTIFY_SOCKET")
        self.assertTrue(self.switch.show("ports"), "ready means the control socket answers")
        count_ready = len(seen("READY=1")())

        self.assertEqual(self.switch.ctl("reload").returncode, 0)
        reloading = wait_until(seen("RELOADING=1"), "RELOADING=1 on reload")
        self.assertTrue(any(line.startswith("MONOTONIC_USEC=") for line in reloading[0].split("\n")),
                        reloading[0])
        wait_until(lambda: len(seen("READY=1")()) > count_ready, "READY=1 after the reload")
        order = [m.split("\n")[0] for m in messages]
        self.assertLess(order.index("RELOADING=1"), len(order) - 1 - order[::-1].index("READY=1"), order)

        self.stop_switch_cleanly(self.switch)
        wait_until(seen("STOPPING=1"), "STOPPING=1 on shutdown")


if __name__ == "__main__":
    sys.exit(e2e_harness.main(LiveReload))
