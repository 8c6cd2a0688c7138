#!/usr/bin/python3
"""Hostile frames for the e2e tests, built by hand and sent on a packet socket from inside a
host's namespace. Standard library only: it starts fast and sends fast.

    raw_frames.py allow-growth IFACE GROUP REPORTS RATE
        REPORTS IGMPv3 reports, each one ALLOW_NEW_SOURCES record for GROUP with 256 sources;
        every report's sources sort below all the earlier ones (the source-cap bypass of
        issue 8). RATE reports per second.
    raw_frames.py group-flood IFACE FIRST_GROUP GROUPS RATE
        GROUPS IGMPv3 reports, report i one ALLOW_NEW_SOURCES record for FIRST_GROUP + i with
        256 sources (groups x sources meant to fill the forwarding table). RATE reports/s.
    raw_frames.py query IFACE SOURCE COUNT
        COUNT IGMPv3 general queries from SOURCE with QRV 7 and the largest QQIC (31744 s):
        a spoofed querier that would win the election and silence the switch for hours.
    raw_frames.py reserved IFACE LAST_BYTE...
        One frame to each 01:80:C2:00:00:LAST_BYTE (hex): LLDP for 0e, a LACPDU for 02, an
        empty frame of the local experimental EtherType otherwise.
    raw_frames.py mac-flood IFACE COUNT DST_MAC RATE
        COUNT frames to DST_MAC, each from a different locally administered source MAC.

Prints `sent N in T s` on success.
"""

import os
import socket
import struct
import sys
import time

from icmp_echo import checksum  # the Internet checksum (RFC 1071), one copy in the suite

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_LLDP = 0x88CC
ETHERTYPE_SLOW = 0x8809
ETHERTYPE_EXPERIMENTAL = 0x88B5
IPPROTO_IGMP = 2
ALL_HOSTS = "224.0.0.1"
ALL_V3_ROUTERS = "224.0.0.22"
IGMP_QUERY = 0x11
IGMP_V3_REPORT = 0x22
ALLOW_NEW_SOURCES = 5
SOURCES_PER_REPORT = 256
SOURCE_BASE = 0x64400000  # 100.64.0.0/10: unicast addresses that no test host uses




def mac_bytes(text):
    return bytes(int(b, 16) for b in text.split(":"))


def own_mac(iface):
    with open("/sys/class/net/{}/address".format(iface)) as f:
        return mac_bytes(f.read().strip())


def own_ipv4(iface):
    # SIOCGIFADDR
    import fcntl
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    raw = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", iface.encode()[:15]))
    return socket.inet_ntoa(raw[20:24])


def group_mac(group):
    """RFC 1112: 01:00:5e + the low 23 bits of the group."""
    g = socket.inet_aton(group)
    return bytes([0x01, 0x00, 0x5E, g[1] & 0x7F, g[2], g[3]])


def ipv4_igmp(src, dst, igmp):
    """An IPv4 header with the Router Alert option (RFC 2113), TTL 1, then `igmp`."""
    options = b"\x94\x04\x00\x00"
    header = struct.pack("!BBHHHBBH4s4s", 0x46, 0xC0, 24 + len(igmp), 0, 0, 1, IPPROTO_IGMP, 0,
                         socket.inet_aton(src), socket.inet_aton(dst)) + options
    c = checksum(header)
    return header[:10] + struct.pack("!H", c) + header[12:] + igmp


def with_igmp_checksum(igmp):
    c = checksum(igmp)
    return igmp[:2] + struct.pack("!H", c) + igmp[4:]


def v3_report(group, sources):
    record = struct.pack("!BBH4s", ALLOW_NEW_SOURCES, 0, len(sources), socket.inet_aton(group))
    record += b"".join(struct.pack("!I", s) for s in sources)
    return with_igmp_checksum(struct.pack("!BBHHH", IGMP_V3_REPORT, 0, 0, 0, 1) + record)


def v3_general_query():
    # Max Resp Code 100 (10 s), group 0, S=0 QRV=7, QQIC 0xFF (31744 s), no sources.
    return with_igmp_checksum(struct.pack("!BBH4sBBH", IGMP_QUERY, 100, 0, bytes(4), 0x07, 0xFF, 0))


def ethernet(dst, src, ethertype, payload):
    frame = dst + src + struct.pack("!H", ethertype) + payload
    return frame.ljust(60, b"\0")


class Wire:
    """A packet socket on IFACE that sends at most `rate` frames per second."""

    def __init__(self, iface, rate=0):
        self.iface = iface
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.sock.bind((iface, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.rate = rate
        self.sent = 0
        self.started = time.monotonic()

    def send(self, frame):
        if self.rate:
            # Pacing, not synchronisation: keep the frames under the port's punt rate.
            due = self.started + self.sent / self.rate
            while True:
                left = due - time.monotonic()
                if left <= 0:
                    break
                time.sleep(min(left, 0.01))
        while True:
            try:
                self.sock.send(frame)
                break
            except BlockingIOError:
                time.sleep(0.001)
            except OSError as e:
                if e.errno != 105:  # ENOBUFS: the veth queue is full, try again
                    raise
                time.sleep(0.001)
        self.sent += 1

    def report(self):
        print("sent {} in {:.3f} s".format(self.sent, time.monotonic() - self.started), flush=True)


def allow_growth(iface, group, reports, rate):
    wire = Wire(iface, rate)
    src_mac, src_ip = own_mac(iface), own_ipv4(iface)
    for k in range(reports):
        # Report k takes the block of 256 addresses just below report k-1's.
        base = SOURCE_BASE + (reports - k) * SOURCES_PER_REPORT
        sources = [base + i for i in range(SOURCES_PER_REPORT)]
        ip = ipv4_igmp(src_ip, ALL_V3_ROUTERS, v3_report(group, sources))
        wire.send(ethernet(group_mac(ALL_V3_ROUTERS), src_mac, ETHERTYPE_IPV4, ip))
    wire.report()


def group_flood(iface, first_group, groups, rate):
    wire = Wire(iface, rate)
    src_mac, src_ip = own_mac(iface), own_ipv4(iface)
    first = struct.unpack("!I", socket.inet_aton(first_group))[0]
    for i in range(groups):
        group = socket.inet_ntoa(struct.pack("!I", first + i))
        sources = [SOURCE_BASE + i * SOURCES_PER_REPORT + s for s in range(SOURCES_PER_REPORT)]
        ip = ipv4_igmp(src_ip, ALL_V3_ROUTERS, v3_report(group, sources))
        wire.send(ethernet(group_mac(ALL_V3_ROUTERS), src_mac, ETHERTYPE_IPV4, ip))
    wire.report()


def spoofed_queries(iface, source, count):
    wire = Wire(iface, 100)
    ip = ipv4_igmp(source, ALL_HOSTS, v3_general_query())
    frame = ethernet(group_mac(ALL_HOSTS), own_mac(iface), ETHERTYPE_IPV4, ip)
    for _ in range(count):
        wire.send(frame)
    wire.report()


def reserved(iface, last_bytes):
    wire = Wire(iface, 100)
    src = own_mac(iface)
    for last in last_bytes:
        dst = bytes([0x01, 0x80, 0xC2, 0x00, 0x00, last])
        if last == 0x0E:
            # LLDPDU: chassis id (MAC), port id (interface name), TTL 120, end.
            chassis = bytes([4]) + src
            port = bytes([5]) + iface.encode()
            body = (struct.pack("!H", (1 << 9) | len(chassis)) + chassis +
                    struct.pack("!H", (2 << 9) | len(port)) + port +
                    struct.pack("!HH", (3 << 9) | 2, 120) + b"\0\0")
            wire.send(ethernet(dst, src, ETHERTYPE_LLDP, body))
        elif last == 0x02:
            # Slow protocols subtype 1 (LACP), version 1; the TLVs are left zero.
            wire.send(ethernet(dst, src, ETHERTYPE_SLOW, bytes([1, 1]) + bytes(108)))
        else:
            wire.send(ethernet(dst, src, ETHERTYPE_EXPERIMENTAL, b"reserved"))
    wire.report()


def mac_flood(iface, count, dst_mac, rate):
    wire = Wire(iface, rate)
    dst = mac_bytes(dst_mac)
    salt = os.getpid() & 0xFF
    for i in range(count):
        # 02:<salt>:<i>: locally administered, unicast, distinct.
        src = bytes([0x02, salt]) + struct.pack("!I", i)
        wire.send(ethernet(dst, src, ETHERTYPE_EXPERIMENTAL, b"flood"))
    wire.report()


def main(argv):
    try:
        if len(argv) == 5 and argv[0] == "allow-growth":
            allow_growth(argv[1], argv[2], int(argv[3]), float(argv[4]))
        elif len(argv) == 5 and argv[0] == "group-flood":
            group_flood(argv[1], argv[2], int(argv[3]), float(argv[4]))
        elif len(argv) == 4 and argv[0] == "query":
            spoofed_queries(argv[1], argv[2], int(argv[3]))
        elif len(argv) >= 3 and argv[0] == "reserved":
            reserved(argv[1], [int(b, 16) for b in argv[2:]])
        elif len(argv) == 5 and argv[0] == "mac-flood":
            mac_flood(argv[1], int(argv[2]), argv[3], float(argv[4]))
        else:
            sys.stderr.write(__doc__)
            return 2
    except BrokenPipeError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
