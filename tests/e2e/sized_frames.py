#!/usr/bin/python3
"""Broadcast frames of one size from inside a host's namespace, as fast as the interface takes
them. Standard library only (the packet socket of raw_frames.py).

    sized_frames.py IFACE COUNT SIZE
        COUNT broadcast frames of SIZE bytes (FCS not included) of the local experimental
        EtherType 0x88b5, from IFACE's own MAC address.

Prints `sent N in T s` on success.
"""

import sys

from raw_frames import ETHERTYPE_EXPERIMENTAL, Wire, ethernet, own_mac


def main(argv):
    if len(argv) != 3 or int(argv[2]) < 60:
        sys.stderr.write(__doc__)
        return 2
    iface, count, size = argv[0], int(argv[1]), int(argv[2])
    wire = Wire(iface)
    frame = ethernet(b"\xff" * 6, own_mac(iface), ETHERTYPE_EXPERIMENTAL, bytes(size - 14))
    for _ in range(count):
        wire.send(frame)
    wire.report()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
