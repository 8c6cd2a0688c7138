#!/usr/bin/python3
"""Hand-crafted IGMP for the e2e robustness test, sent with scapy from inside a namespace.

    igmp_crafted.py malformed IFACE COPIES
        Each kind of broken message below, COPIES times, paced well under the port's punt rate
        limit (so every frame reaches the decoder). Every one names a group 239.9.9.x that
        must never appear in the switch's table. Prints `sent N` (frames).
    igmp_crafted.py flood IFACE COUNT GROUP
        COUNT valid IGMPv3 reports joining GROUP, back to back. Prints `flooding`, then
        `flooded N in T s`.
"""

import sys
import time

from scapy.all import Ether, IP, Raw, conf, get_if_addr, get_if_hwaddr, sendp
from scapy.contrib.igmp import IGMP
from scapy.contrib.igmpv3 import IGMPv3, IGMPv3gr, IGMPv3mr
from scapy.layers.inet import IPOption_Router_Alert
from scapy.utils import checksum

ALL_V3_ROUTERS = "224.0.0.22"
V2_REPORT = 0x16
V3_REPORT = 0x22
CHANGE_TO_EXCLUDE = 4
ALLOW_NEW_SOURCES = 5
# Given explicitly: over a Raw payload scapy infers neither.
ETHERTYPE_IPV4 = 0x0800
IPPROTO_IGMP = 2
PACING_S = 0.02  # 50 frames/s: far below the rate limit the test gives the sending port


def ip_header(iface, dst, **fields):
    return IP(src=get_if_addr(iface), dst=dst, ttl=1, proto=IPPROTO_IGMP,
              options=[IPOption_Router_Alert()], **fields)


def with_checksum(igmp_bytes, offset=2):
    """IGMP bytes with a correct checksum at `offset` (computed over exactly these bytes)."""
    zeroed = igmp_bytes[:offset] + b"\0\0" + igmp_bytes[offset + 2:]
    c = checksum(zeroed)
    return zeroed[:offset] + bytes([c >> 8, c & 0xFF]) + zeroed[offset + 2:]


def v3_report(*records, numgrp=None):
    report = IGMPv3(type=V3_REPORT) / IGMPv3mr(records=list(records))
    if numgrp is not None:
        report[IGMPv3mr].numgrp = numgrp
    return bytes(report)


def malformed(iface):
    """(name, IP packet) for each kind of broken message."""
    good_v2 = bytes(IGMP(type=V2_REPORT, gaddr="239.9.9.1"))
    bad_v2 = good_v2[:2] + bytes([good_v2[2] ^ 0x5A, good_v2[3]]) + good_v2[4:]

    good_v3 = v3_report(IGMPv3gr(rtype=CHANGE_TO_EXCLUDE, maddr="239.9.9.2"))
    bad_v3 = good_v3[:2] + bytes([good_v3[2] ^ 0x5A, good_v3[3]]) + good_v3[4:]

    # Cut inside the second source; the checksum is right for what is left, so only the
    # lengths tell that the record runs past the end.
    two_sources = v3_report(IGMPv3gr(rtype=ALLOW_NEW_SOURCES, maddr="239.9.9.3",
                                     srcaddrs=["10.0.0.7", "10.0.0.8"]))
    truncated_v3 = with_checksum(two_sources[:-2])

    more_records = v3_report(IGMPv3gr(rtype=CHANGE_TO_EXCLUDE, maddr="239.9.9.4"), numgrp=3)
    record = IGMPv3gr(rtype=ALLOW_NEW_SOURCES, maddr="239.9.9.5", srcaddrs=["10.0.0.7"])
    record.numsrc = 40
    more_sources = v3_report(record)

    header_only = with_checksum(bytes(IGMP(type=V2_REPORT, gaddr="239.9.9.7"))[:4])

    return [
        ("v2 report, bad checksum", ip_header(iface, "239.9.9.1") / Raw(bad_v2)),
        ("v3 report, bad checksum", ip_header(iface, ALL_V3_ROUTERS) / Raw(bad_v3)),
        ("v3 report cut inside a record", ip_header(iface, ALL_V3_ROUTERS) / Raw(truncated_v3)),
        ("v3 report, 3 records announced, 1 present",
         ip_header(iface, ALL_V3_ROUTERS) / Raw(more_records)),
        ("v3 record, 40 sources announced, 1 present",
         ip_header(iface, ALL_V3_ROUTERS) / Raw(more_sources)),
        ("v2 report, bad IPv4 header checksum",
         ip_header(iface, "239.9.9.6", chksum=0x1234) / Raw(bytes(IGMP(type=V2_REPORT,
                                                                        gaddr="239.9.9.6")))),
        ("IGMP message of 4 bytes", ip_header(iface, "239.9.9.7") / Raw(header_only)),
    ]


def frame(iface, packet):
    ip = bytes(packet)
    dst = ip[16:20]
    mac = "01:00:5e:{:02x}:{:02x}:{:02x}".format(dst[1] & 0x7F, dst[2], dst[3])
    return Ether(src=get_if_hwaddr(iface), dst=mac, type=ETHERTYPE_IPV4) / Raw(ip)


def main(argv):
    conf.verb = 0
    if len(argv) == 3 and argv[0] == "malformed":
        iface, copies = argv[1], int(argv[2])
        frames = []
        for name, packet in malformed(iface):
            print("kind:", name)
            frames += [frame(iface, packet)] * copies
        sendp(frames, iface=iface, inter=PACING_S)
        print("sent", len(frames))
    elif len(argv) == 4 and argv[0] == "flood":
        iface, count, group = argv[1], int(argv[2]), argv[3]
        report = v3_report(IGMPv3gr(rtype=CHANGE_TO_EXCLUDE, maddr=group))
        raw = Raw(bytes(frame(iface, ip_header(iface, ALL_V3_ROUTERS) / Raw(report))))
        print("flooding", flush=True)
        started = time.monotonic()
        sendp(raw, iface=iface, count=count)
        print("flooded {} in {:.3f} s".format(count, time.monotonic() - started), flush=True)
    else:
        sys.stderr.write(__doc__)
        return 2
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
