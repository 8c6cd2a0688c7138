"""The mcsnoop binary under test: configuration, start, readiness, control queries, stop.

The binaries come from the environment (MCSNOOP, MCSNOOPCTL), as meson passes them.
Not thread-safe: one Switch is driven by the test's main thread.
"""

import atexit
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
POLL_S = 0.1


def binaries():
    """(mcsnoop, mcsnoopctl) from the environment; None where one is missing."""
    return os.environ.get("MCSNOOP"), os.environ.get("MCSNOOPCTL")


class SwitchError(AssertionError):
    """The switch did not start, answer or stop as the contract says."""


class Switch:
    """mcsnoop with one access port per host of `topology`.

    port_options: {host name: {extra port keys}}; vlan_of: {host name: access VLAN};
    vlans: the `vlans` section; snooping: the `snooping` section.
    """

    def __init__(self, topology, vlan_of, vlans=None, snooping=None, port_options=None):
        self.mcsnoop, self.mcsnoopctl = binaries()
        self.workdir = tempfile.mkdtemp(prefix="mcsnoop-e2e-")
        self.socket = os.path.join(self.workdir, "control.sock")
        self.config_path = os.path.join(self.workdir, "mcsnoop.yaml")
        self.log_path = os.path.join(self.workdir, "mcsnoop.log")
        self.proc = None
        self.exit_code = None
        port_options = port_options or {}
        ports = []
        for vdev_index, host in enumerate(topology.hosts):
            port = {
                "name": host.name,
                "device": "net_af_packet{},iface={}".format(vdev_index, host.sw_iface),
                "vlan_mode": "access",
                "vlan": vlan_of[host.name],
            }
            port.update(port_options.get(host.name, {}))
            ports.append(port)
        self.config = {
            "dpdk": {"eal_args": ["--no-huge", "-m", "512", "--no-pci", "--no-shconf",
                                  "--file-prefix", "mcse2e{}".format(os.getpid()), "-l", "0-1"]},
            "cores": {"control": 0, "workers": [1]},
            "ports": ports,
            "vlans": vlans or [],
            "snooping": snooping or {},
            "control": {"socket": self.socket},
            "logging": {"level": "info"},
        }

    def start(self):
        """Starts mcsnoop and returns once every port is up and the control socket answers."""
        with open(self.config_path, "w") as f:
            # JSON is YAML (1.2 flow style): no YAML library needed on the test side.
            json.dump(self.config, f, indent=2)
        log = open(self.log_path, "w")
        try:
            self.proc = subprocess.Popen([self.mcsnoop, "-c", self.config_path], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            log.close()
        atexit.register(self.cleanup)  # in case the test dies before its own cleanups run
        deadline = time.monotonic() + READY_TIMEOUT_S
        last_problem = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise SwitchError("mcsnoop exited with {} while starting\n{}".format(
                    self.exit_code, self.log_tail()))
            try:
                ports = self.show("ports")
                down = [p["name"] for p in ports if p.get("link") != "up"]
                if not down:
                    return self
                last_problem = "links down: " + ", ".join(down)
            except SwitchError as e:
                last_problem = str(e)
            time.sleep(POLL_S)
        raise SwitchError("mcsnoop not ready after {:.0f}s ({})\n{}".format(
            READY_TIMEOUT_S, last_problem, self.log_tail()))

    def ctl(self, *args):
        """Runs mcsnoopctl against this switch; returns the completed process."""
        return subprocess.run([self.mcsnoopctl, "-s", self.socket] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=10)

    def show(self, what):
        """`mcsnoopctl show WHAT --json`, parsed."""
        done = self.ctl("show", what, "--json")
        if done.returncode != 0:
            raise SwitchError("mcsnoopctl show {} exited {}: {}".format(
                what, done.returncode, done.stderr.strip()))
        try:
            return json.loads(done.stdout)
        except ValueError as e:
            raise SwitchError("mcsnoopctl show {} printed invalid JSON ({}): {!r}".format(
                what, e, done.stdout[:200]))

    def port(self, name):
        """One port's entry of `show ports`."""
        return next(p for p in self.show("ports") if p["name"] == name)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, then waits; returns the exit code (the contract wants 0)."""
        if self.proc is None:
            return self.exit_code
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.exit_code = self.proc.returncode
                self.proc = None
                raise SwitchError("mcsnoop still running {:.0f}s after SIGTERM (killed)\n{}".format(
                    STOP_TIMEOUT_S, self.log_tail()))
        self.exit_code = self.proc.returncode
        self.proc = None
        return self.exit_code

    def cleanup(self, keep_log=False):
        """Kills a switch that is still running and removes the work directory."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        if keep_log:
            print("--- mcsnoop log ({}) ---\n{}".format(self.log_path, self.log_tail()))
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"
