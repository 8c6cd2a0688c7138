"""Test-side handles on mcast_agent.py processes running in the hosts' namespaces.

An Agent's output is read by a background thread into a list of events; the test's main thread
waits on those events with deadlines (no fixed sleeps). Methods other than the reader are for
the main thread only.
"""

import collections
import os
import subprocess
import sys
import threading
import time

from netns_topology import BROADCAST_V4

AGENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcast_agent.py")
DATA_PORT = 5001
DEFAULT_TIMEOUT_S = 10.0


class Agent:
    def __init__(self, host, *args):
        self.host = host
        self.events = []  # lists of words, in arrival order
        self._cond = threading.Condition()
        self._closed = False
        self.proc = subprocess.Popen(host.cmd(sys.executable, "-u", AGENT, *args),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     bufsize=1)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for(lambda e: e[0] == "ready", "agent start")

    def _read(self):
        for line in self.proc.stdout:
            words = line.split(" ", 3) if line.startswith(("wire ", "sock ")) else line.split()
            words = [w.rstrip("\n") for w in words]
            if not words:
                continue
            with self._cond:
                self.events.append(words)
                self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_for(self, match, what, timeout=DEFAULT_TIMEOUT_S, start=0):
        """Waits until an event from index `start` on satisfies `match`; returns it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[start:]:
                    if event[0] == "error":
                        raise AssertionError("{}: agent error: {}".format(
                            self.host.name, " ".join(event[1:])))
                    if match(event):
                        return event
                start = len(self.events)
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    raise AssertionError("{}: {} while waiting for {}".format(
                        self.host.name, "agent exited" if self._closed else
                        "no answer after {:.0f}s".format(timeout), what))
                self._cond.wait(left)

    def command(self, line, reply):
        """Sends a command and waits for the reply line `reply` (a list of words)."""
        with self._cond:
            start = len(self.events)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.wait_for(lambda e: e == reply, line, start=start)

    def snapshot(self):
        with self._cond:
            return list(self.events)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)


class Listener(Agent):
    """Sniffs what the switch delivers to a host and joins/leaves groups with kernel sockets."""

    def __init__(self, host):
        super().__init__(host, "listen", host.iface, str(DATA_PORT))

    def join(self, group, source=None):
        words = ["joined", group] + ([source] if source else [])
        self.command(" ".join(["join", group] + words[2:]), words)

    def leave(self, group, source=None):
        words = ["left", group] + ([source] if source else [])
        self.command(" ".join(["leave", group] + words[2:]), words)

    def wait_marker(self, tag, timeout=DEFAULT_TIMEOUT_S):
        self.wait_for(lambda e: e[0] == "wire" and e[3] == "mark " + tag,
                      "marker of burst " + tag, timeout)

    def wire(self, tag):
        """(source, group) -> datagrams of burst `tag` that arrived on the wire."""
        got = collections.Counter()
        for e in self.snapshot():
            if e[0] == "wire" and e[3].startswith(tag + " "):
                got[(e[1], e[2])] += 1
        return got

    def delivered(self, tag):
        """(source, group) -> datagrams of burst `tag` the kernel handed to a member socket."""
        got = collections.Counter()
        for e in self.snapshot():
            if e[0] == "sock" and e[3].startswith(tag + " "):
                got[(e[2], e[1])] += 1
        return got

    def arp(self):
        """(op, sender, target) of every ARP message that arrived."""
        return [(int(e[1]), e[2], e[3]) for e in self.snapshot() if e[0] == "arp"]

    def icmp(self, start=0):
        """(type, source, destination) of every ICMPv4 message that arrived (from event
        index `start` on)."""
        return [(int(e[1]), e[2], e[3]) for e in self.snapshot()[start:] if e[0] == "icmp"]

    def igmp(self, start=0):
        """(type, source, destination, source MAC) of every IGMP message that arrived."""
        return [(int(e[1]), e[2], e[3], e[4]) for e in self.snapshot()[start:] if e[0] == "igmp"]

    def reserved(self):
        """(last byte, EtherType, source MAC) of every frame to 01:80:C2:00:00:0x that arrived."""
        return [tuple(e[1:4]) for e in self.snapshot() if e[0] == "l2ctl"]

    def event_count(self):
        """Index of the next event: pass it as `start` to look only at what comes later."""
        with self._cond:
            return len(self.events)


class Sender(Agent):
    """Sends numbered UDP datagrams to groups, each burst closed by flooded markers."""

    def __init__(self, host):
        super().__init__(host, "send", host.iface, str(DATA_PORT), BROADCAST_V4)
        self._bursts = 0

    def burst(self, count, flows, listeners, timeout=DEFAULT_TIMEOUT_S):
        """Sends `count` datagrams per (source, group) flow, waits until every listener has
        seen the burst's marker. Returns ({listener host name: Counter of (source, group)}, the
        burst's tag)."""
        self._bursts += 1
        tag = "b{}".format(self._bursts)
        spec = " ".join("{}>{}".format(s, g) for s, g in flows)
        self.command("burst {} {} {}".format(tag, count, spec), ["sent", tag])
        for listener in listeners:
            listener.wait_marker(tag, timeout)
        return {l.host.name: l.wire(tag) for l in listeners}, tag

    def markers(self, listeners, timeout=DEFAULT_TIMEOUT_S):
        """Only the broadcast markers: once every listener has seen them, every frame this
        host sent earlier on the same path (flooded or unicast through a worker) has arrived
        wherever the switch sent it."""
        self.burst(0, [], listeners, timeout)
