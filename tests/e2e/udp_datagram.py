#!/usr/bin/python3
"""UDP datagrams of a given size between e2e hosts, never fragmented (standard library only).

    udp_datagram.py send ADDRESS PORT SIZE
        One datagram of SIZE payload bytes with Don't Fragment set (IP_PMTUDISC_DO: the kernel
        refuses one larger than the interface's MTU instead of fragmenting it), then a 3-byte
        "END" datagram. Prints `sent SIZE`.
    udp_datagram.py recv PORT TIMEOUT_S
        Prints the size of each datagram received, one per line, until an "END" datagram
        arrives (exit 0) or TIMEOUT_S passes (exit 1).
"""

import socket
import sys
import time

IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
IP_PMTUDISC_DO = getattr(socket, "IP_PMTUDISC_DO", 2)
END = b"END"


def send(address, port, size):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    sock.sendto(bytes((i * 7) & 0xFF for i in range(size)), (address, port))
    sock.sendto(END, (address, port))
    print("sent {}".format(size))
    return 0


def recv(port, timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", port))
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 1
        sock.settimeout(left)
        try:
            data = sock.recv(65535)
        except socket.timeout:
            return 1
        if data == END:
            return 0
        ok = data == bytes((i * 7) & 0xFF for i in range(len(data)))
        print("{}{}".format(len(data), "" if ok else " corrupt"), flush=True)


def main(argv):
    if len(argv) == 4 and argv[0] == "send":
        return send(argv[1], int(argv[2]), int(argv[3]))
    if len(argv) == 3 and argv[0] == "recv":
        return recv(int(argv[1]), float(argv[2]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
