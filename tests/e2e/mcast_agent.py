#!/usr/bin/python3
"""Multicast agent that runs inside a host's namespace, driven line by line over stdin.

    mcast_agent.py listen IFACE PORT
        Sniffs every frame that arrives on IFACE (AF_PACKET, so what the switch delivered, not
        what the host's IP stack accepted) and reports UDP datagrams to PORT and ARP messages.
        Joins and leaves groups with real kernel sockets, so the host's own IGMP/MLD stack
        sends the reports:
            join GROUP [SOURCE]     ASM join, or SSM join of (SOURCE, GROUP)
            leave GROUP [SOURCE]    closes that socket (the kernel sends the leave / TO_IN {})
    mcast_agent.py send IFACE PORT BROADCAST
            burst TAG COUNT SRC>GROUP...   COUNT datagrams per flow, then 3 broadcast markers
    Both: `quit`.

Output, one line per event (flushed):
    ready | joined G [S] | left G [S] | sent TAG | error TEXT
    wire SRC DST PAYLOAD     a UDP datagram to PORT arrived on IFACE
    sock G SRC PAYLOAD       the kernel delivered a datagram to the socket that joined G
    arp OP SENDER TARGET     an ARP request (1) or reply (2) arrived on IFACE
    icmp TYPE SRC DST        an ICMPv4 message arrived on IFACE (8 echo request, 0 reply)
    igmp TYPE SRC DST SMAC   an IGMP message arrived on IFACE (0x11 = 17: a query)
    l2ctl LAST ETHERTYPE SMAC  a frame to the IEEE reserved 01:80:C2:00:00:LAST arrived
Payloads are "TAG GROUP SEQ" for data and "mark TAG" for markers.
Uses the standard library only: it must start fast.
"""

import os
import select
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
ETHERTYPE_VLAN = (0x8100, 0x88A8)
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
ETHERTYPE_ARP = 0x0806
IPPROTO_UDP = 17
IPPROTO_ICMP = 1
IPPROTO_IGMP = 2
IEEE_RESERVED_PREFIX = bytes([0x01, 0x80, 0xC2, 0x00, 0x00])
# Linux <netinet/in.h>; the socket module lacks some of them.
MCAST_JOIN_GROUP = 42
MCAST_JOIN_SOURCE_GROUP = 46
SOCKADDR_STORAGE_SIZE = 128


def emit(*words):
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def sockaddr_storage(address):
    """A struct sockaddr_storage holding `address` (port 0), as MCAST_* options take it."""
    if family_of(address) == socket.AF_INET:
        raw = struct.pack("=HH4s", socket.AF_INET, 0, socket.inet_pton(socket.AF_INET, address))
    else:
        raw = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0,
                          socket.inet_pton(socket.AF_INET6, address), 0)
    return raw.ljust(SOCKADDR_STORAGE_SIZE, b"\0")


def mac_text(raw):
    return ":".join("{:02x}".format(b) for b in raw)


def parse_frame(frame):
    """(kind, fields) for the frames the tests care about, else None."""
    if len(frame) < 14:
        return None
    ethertype = int.from_bytes(frame[12:14], "big")
    if frame[0:5] == IEEE_RESERVED_PREFIX and frame[5] <= 0x0F:
        return "l2ctl", ("{:02x}".format(frame[5]), "{:04x}".format(ethertype), mac_text(frame[6:12]))
    off = 14
    while ethertype in ETHERTYPE_VLAN and len(frame) >= off + 4:
        ethertype = int.from_bytes(frame[off + 2:off + 4], "big")
        off += 4
    if ethertype == ETHERTYPE_ARP and len(frame) >= off + 28:
        op = int.from_bytes(frame[off + 6:off + 8], "big")
        return "arp", (op, socket.inet_ntoa(frame[off + 14:off + 18]),
                       socket.inet_ntoa(frame[off + 24:off + 28]))
    if ethertype == ETHERTYPE_IPV4 and len(frame) >= off + 20:
        ihl = (frame[off] & 0x0F) * 4
        proto = frame[off + 9]
        src = socket.inet_ntoa(frame[off + 12:off + 16])
        dst = socket.inet_ntoa(frame[off + 16:off + 20])
        if proto in (IPPROTO_ICMP, IPPROTO_IGMP) and len(frame) > off + ihl:
            kind = "icmp" if proto == IPPROTO_ICMP else "igmp"
            return kind, (frame[off + ihl], src, dst, mac_text(frame[6:12]))
        if proto != IPPROTO_UDP:
            return None
        udp = off + ihl
    elif ethertype == ETHERTYPE_IPV6 and len(frame) >= off + 40:
        if frame[off + 6] != IPPROTO_UDP:  # the senders add no extension header
            return None
        src = socket.inet_ntop(socket.AF_INET6, frame[off + 8:off + 24])
        dst = socket.inet_ntop(socket.AF_INET6, frame[off + 24:off + 40])
        udp = off + 40
    else:
        return None
    if len(frame) < udp + 8:
        return None
    dport = int.from_bytes(frame[udp + 2:udp + 4], "big")
    length = int.from_bytes(frame[udp + 4:udp + 6], "big")
    payload = frame[udp + 8:udp + max(length, 8)]
    return "udp", (dport, src, dst, payload.decode("ascii", "replace"))


class Listener:
    def __init__(self, iface, port):
        self.iface = iface
        self.port = port
        self.ifindex = socket.if_nametoindex(iface)
        self.sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sniffer.bind((iface, 0))
        self.members = {}  # (group, source or None) -> socket

    def join(self, group, source=None):
        family = family_of(group)
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Bound to the group, the socket gets that group's datagrams only.
        sock.bind((group, self.port))
        level = socket.IPPROTO_IP if family == socket.AF_INET else socket.IPPROTO_IPV6
        head = struct.pack("=I4x", self.ifindex)  # gsr_interface, padding to sockaddr_storage
        if source is None:
            sock.setsockopt(level, MCAST_JOIN_GROUP, head + sockaddr_storage(group))
        else:
            sock.setsockopt(level, MCAST_JOIN_SOURCE_GROUP,
                            head + sockaddr_storage(group) + sockaddr_storage(source))
        self.members[(group, source)] = sock

    def leave(self, group, source=None):
        self.members.pop((group, source)).close()

    def command(self, words):
        verb, args = words[0], words[1:]
        if verb == "join":
            self.join(*args)
            emit("joined", *args)
        elif verb == "leave":
            self.leave(*args)
            emit("left", *args)
        else:
            raise ValueError("unknown command " + verb)

    def on_frame(self):
        frame, addr = self.sniffer.recvfrom(65535)
        if addr[0] != self.iface or addr[2] == PACKET_OUTGOING:
            return
        parsed = parse_frame(frame)
        if parsed is None:
            return
        kind, fields = parsed
        if kind == "arp":
            emit("arp", *fields)
        elif kind == "icmp":
            emit("icmp", *fields[:3])
        elif kind in ("igmp", "l2ctl"):
            emit(kind, *fields)
        elif fields[0] == self.port:
            emit("wire", *fields[1:])

    def sockets(self):
        return [self.sniffer] + list(self.members.values())

    def on_readable(self, sock):
        if sock is self.sniffer:
            self.on_frame()
            return
        for (group, _), member in self.members.items():
            if member is sock:
                data, addr = sock.recvfrom(65535)
                emit("sock", group, addr[0], data.decode("ascii", "replace"))
                return


class Sender:
    def __init__(self, iface, port, broadcast):
        self.iface = iface
        self.port = port
        self.broadcast = broadcast
        self.ifindex = socket.if_nametoindex(iface)
        self.by_source = {}
        self.marker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.marker.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self.marker.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())

    def socket_for(self, source):
        sock = self.by_source.get(source)
        if sock is not None:
            return sock
        family = family_of(source)
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((source, 0))
        if family == socket.AF_INET:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                            struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, self.ifindex))
        else:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, self.ifindex)
        self.by_source[source] = sock
        return sock

    def burst(self, tag, count, flows):
        pairs = [flow.split(">") for flow in flows]
        for seq in range(count):
            for source, group in pairs:
                payload = "{} {} {}".format(tag, group, seq).encode()
                self.socket_for(source).sendto(payload, (group, self.port))
        # The markers are flooded; arriving after the data on the same path, they tell each
        # listener that everything the switch was going to deliver has arrived.
        for _ in range(3):
            self.marker.sendto("mark {}".format(tag).encode(), (self.broadcast, self.port))
        emit("sent", tag)

    def command(self, words):
        if words[0] != "burst":
            raise ValueError("unknown command " + words[0])
        self.burst(words[1], int(words[2]), words[3:])

    def sockets(self):
        return []


def serve(agent):
    emit("ready")
    stdin = sys.stdin.fileno()
    pending = b""
    while True:
        readable, _, _ = select.select([stdin] + agent.sockets(), [], [])
        for r in readable:
            if r != stdin:
                agent.on_readable(r)
                continue
            chunk = os.read(stdin, 4096)
            if not chunk:
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode().split()
                if not words:
                    continue
                if words[0] == "quit":
                    return
                try:
                    agent.command(words)
                except (OSError, ValueError, KeyError, TypeError) as e:
                    emit("error", line.decode().strip(), "->", e)


def main(argv):
    if len(argv) >= 3 and argv[0] == "listen":
        agent = Listener(argv[1], int(argv[2]))
    elif len(argv) >= 4 and argv[0] == "send":
        agent = Sender(argv[1], int(argv[2]), argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    serve(agent)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
