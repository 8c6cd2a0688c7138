#!/usr/bin/python3
"""e2e_metrics_format: the metrics endpoint as Prometheus and curl see it.

The switch runs on two net_null ports (endless generated traffic, no namespaces needed) with
control.metrics.listen set. The page is fetched with curl and urllib and parsed with Debian's
python3-prometheus-client; the names, types, HELP lines and labels follow the Prometheus
conventions and docs/operations.md lists every family. The HTTP side answers 404, 405, HEAD
and malformed requests as documented, counts the bad ones, and the DPDK telemetry commands
answer on the EAL's telemetry socket.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from switch_process import binaries

SKIP = 77
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "operations.md")


def environment_problem():
    mcsnoop, _ = binaries()
    if not mcsnoop or not os.access(mcsnoop, os.X_OK):
        return "MCSNOOP does not name an executable (run through meson test)"
    if shutil.which("curl") is None:
        return "curl not found (scripts/setup.sh installs it)"
    try:
        import prometheus_client.parser  # noqa: F401
    except ImportError:
        return "prometheus_client not importable by {} (install python3-prometheus-client)".format(
            sys.executable)
    return None


class MetricsFormat(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        from metrics_scrape import free_tcp_port
        cls.workdir = tempfile.mkdtemp(prefix="mcsnoop-metrics-")
        cls.prefix = "mtfmt{}".format(os.getpid())
        cls.port = free_tcp_port()
        cls.url = "http://127.0.0.1:{}".format(cls.port)
        config = {
            "dpdk": {"eal_args": ["--no-huge", "-m", "512", "--no-pci", "--no-shconf",
                                  "--file-prefix", cls.prefix, "-l", "0-1"]},
            "cores": {"control": 0, "workers": [1]},
            "ports": [{"name": "h1", "device": "net_null0", "vlan": 1},
                      {"name": "h2.x", "device": "net_null1", "vlan": 7}],
            "vlans": [{"id": 1, "static_groups": [{"group": "239.9.9.9", "ports": ["h1"]}]},
                      {"id": 7}],
            "control": {"socket": os.path.join(cls.workdir, "ctl.sock"),
                        "metrics": {"listen": "127.0.0.1:{}".format(cls.port)}},
        }
        path = os.path.join(cls.workdir, "mcsnoop.yaml")
        with open(path, "w") as f:
            json.dump(config, f)
        cls.log_path = os.path.join(cls.workdir, "mcsnoop.log")
        with open(cls.log_path, "w") as log:
            cls.proc = subprocess.Popen([binaries()[0], "-c", path], stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        from metrics_scrape import fetch
        while True:
            if cls.proc.poll() is not None:
                raise AssertionError("mcsnoop exited {}:\n{}".format(cls.proc.returncode, cls.log()))
            try:
                fetch(cls.url + "/metrics")
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise AssertionError("no metrics endpoint after 30 s:\n" + cls.log())
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.terminate()
            try:
                cls.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
                cls.proc.wait()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    @classmethod
    def log(cls):
        with open(cls.log_path) as f:
            return f.read()[-4000:]

    def scrape(self):
        from metrics_scrape import scrape
        return scrape(self.url + "/metrics")

    # ---- the page -------------------------------------------------------------------------

    def test_curl_gets_the_text_format(self):
        from metrics_scrape import curl
        status, headers, body = curl(self.url + "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("content-type"), "text/plain; version=0.0.4")
        self.assertEqual(int(headers["content-length"]), len(body.encode()))
        self.assertIn("# TYPE mcsnoop_port_rx_packets_total counter\n", body)

    def test_prometheus_parser_accepts_the_page_and_names_follow_conventions(self):
        s = self.scrape()
        self.assertGreater(len(s.families), 40)
        names = [f.name for f in s.families]
        self.assertEqual(len(names), len(set(names)), "one family per name")
        for f in s.families:
            self.assertTrue(f.name.startswith("mcsnoop_"), f.name)
            self.assertIn(f.type, ("counter", "gauge"), f.name)
            self.assertTrue(f.documentation, "{} has no HELP".format(f.name))
            for sample in f.samples:
                if f.type == "counter":
                    # The parser strips _total from a counter family's name; samples keep it.
                    self.assertTrue(sample.name.endswith("_total"), sample.name)
                    self.assertGreaterEqual(sample.value, 0, sample.name)
                if "port" in sample.labels:
                    self.assertIn(sample.labels["port"], ("h1", "h2.x"), sample)

    def test_per_port_series_carry_the_port_label(self):
        s = self.scrape()
        for name in ("mcsnoop_port_rx_packets_total", "mcsnoop_port_tx_packets_total",
                     "mcsnoop_port_igmp_rx_packets_total", "mcsnoop_nic_rx_missed_total",
                     "mcsnoop_port_groups", "mcsnoop_port_link_up"):
            for port in ("h1", "h2.x"):
                s.value(name, port=port)
        self.assertEqual(s.value("mcsnoop_port_link_up", port="h1"), 1)
        s.value("mcsnoop_port_drops_total", port="h1", reason="vlan_not_allowed")
        s.value("mcsnoop_port_drops_total", port="h2.x", reason="punt_rate_limited")

    def test_counters_move_between_scrapes(self):
        first = self.scrape()
        time.sleep(0.3)  # net_null generates frames all the time: anything later counts more
        second = self.scrape()
        for name, labels in (("mcsnoop_port_rx_packets_total", {"port": "h1"}),
                             ("mcsnoop_nic_rx_packets_total", {"port": "h2.x"}),
                             ("mcsnoop_lcore_busy_cycles_total", {"lcore": "1", "role": "worker"})):
            self.assertGreater(second.value(name, **labels), first.value(name, **labels), name)
        self.assertGreater(second.value("mcsnoop_lcore_idle_cycles_total", lcore="0", role="control")
                           + second.value("mcsnoop_lcore_busy_cycles_total", lcore="0", role="control"),
                           0)
        self.assertGreater(second.value("mcsnoop_tsc_hz"), 0)

    def test_table_gauges(self):
        s = self.scrape()
        self.assertEqual(s.value("mcsnoop_static_groups"), 1)
        self.assertEqual(s.value("mcsnoop_mft_entries"), 1)  # the static (*,G)
        self.assertEqual(s.value("mcsnoop_vlan_groups", vlan="1"), 0)  # learned only
        self.assertEqual(s.value("mcsnoop_vlan_groups", vlan="7"), 0)
        self.assertEqual(s.value("mcsnoop_vlan_router_ports", vlan="7", family="ipv4"), 0)
        self.assertGreaterEqual(s.value("mcsnoop_mac_table_entries"), 0)

    def test_docs_list_every_family(self):
        with open(DOCS) as f:
            docs = f.read()
        s = self.scrape()
        missing = sorted(name for name in s.sample_names() if name not in docs)
        self.assertEqual(missing, [], "families missing from docs/operations.md")

    # ---- HTTP -----------------------------------------------------------------------------

    def test_other_paths_methods_and_head(self):
        from metrics_scrape import curl
        self.assertEqual(curl(self.url + "/")[0], 404)
        self.assertEqual(curl(self.url + "/metrics/x")[0], 404)
        status, headers, _ = curl(self.url + "/metrics", "-X", "POST", "-d", "x=1")
        self.assertEqual(status, 405)
        self.assertEqual(headers.get("allow"), "GET, HEAD")
        # HEAD: the head of the GET answer, and not a byte more before the close.
        reply = self.raw(b"HEAD /metrics HTTP/1.1\r\nHost: test\r\n\r\n")
        head, _, rest = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), head)
        length = re.search(rb"\r\nContent-Length: (\d+)", head)
        self.assertGreater(int(length.group(1)), 1000)
        self.assertEqual(rest, b"")

    def raw(self, data, read=True):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as c:
            c.sendall(data)
            if not read:
                return b""
            got = b""
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    return got
                got += chunk

    def test_hostile_requests_are_answered_and_counted(self):
        before = self.scrape()
        self.assertTrue(self.raw(b"\x16\x03\x01 hello\r\n\r\n").startswith(b"HTTP/1.1 400 "))
        self.assertTrue(self.raw(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n")
                        .startswith(b"HTTP/1.1 431 "))
        after = self.scrape()
        for reason in ("malformed", "oversized"):
            self.assertEqual(after.value("mcsnoop_metrics_http_rejected_total", reason=reason)
                             - before.value("mcsnoop_metrics_http_rejected_total", reason=reason), 1,
                             reason)
        self.assertGreaterEqual(after.value("mcsnoop_metrics_http_responses_total", code="4xx")
                                - before.value("mcsnoop_metrics_http_responses_total", code="4xx"), 2)
        self.assertEqual(self.proc.poll(), None, "the switch survives")

    # ---- DPDK telemetry -------------------------------------------------------------------

    def telemetry(self, command):
        path = "/var/run/dpdk/{}/dpdk_telemetry.v2".format(self.prefix)
        if not os.path.exists(path):
            self.skipTest("no telemetry socket at " + path)
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
            s.settimeout(10)
            s.connect(path)
            json.loads(s.recv(16384).decode())  # the greeting
            s.send(command.encode())
            return json.loads(s.recv(1 << 20).decode())

    def test_telemetry_commands(self):
        stats = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the first snapshot is published within a second
            stats = self.telemetry("/mcsnoop/stats")["/mcsnoop/stats"]
            if isinstance(stats, dict):
                break
            time.sleep(0.2)
        self.assertIsInstance(stats, dict, stats)
        self.assertEqual(stats["ports"], 2)
        self.assertEqual(stats["static_groups"], 1)
        self.assertGreater(stats["rx_packets"], 0)
        self.assertIn("vlan_not_allowed", stats["drops"])
        ports = self.telemetry("/mcsnoop/ports")["/mcsnoop/ports"]
        # Telemetry dict keys take only letters, digits, '_' and '/': the name is inside.
        self.assertEqual(set(ports), {"h1", "h2_x"})
        self.assertEqual(ports["h2_x"]["name"], "h2.x")
        self.assertEqual(ports["h1"]["link"], "up")
        one = self.telemetry("/mcsnoop/ports,h2.x")["/mcsnoop/ports"]
        self.assertEqual(one["name"], "h2.x")
        self.assertIn("punt_rate_limited", one["drops_by_reason"])
        groups = self.telemetry("/mcsnoop/groups")["/mcsnoop/groups"]
        self.assertEqual(groups["vlans"], 2)
        self.assertEqual(set(groups["groups_by_vlan"]), {"1", "7"})
        self.assertEqual(self.telemetry("/mcsnoop/groups,7")["/mcsnoop/groups"]["vlan"], 7)
        self.assertIsNone(self.telemetry("/mcsnoop/groups,4095")["/mcsnoop/groups"])


def main():
    problem = environment_problem()
    if problem:
        print("SKIP: " + problem)
        return SKIP
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(MetricsFormat)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    print("PASS" if result.wasSuccessful() else "FAIL")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
