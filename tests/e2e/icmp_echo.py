#!/usr/bin/python3
"""A minimal IPv4 ping for the e2e tests (iputils-ping is not always installed).

    icmp_echo.py ADDRESS COUNT TIMEOUT_S
Sends COUNT echo requests, one after each reply or timeout, and prints "replies R/COUNT".
Exit status 0 if at least one reply came back, 1 otherwise. Needs root (raw socket).
"""

import os
import select
import socket
import struct
import sys
import time

ICMP_ECHO_REQUEST = 8
ICMP_ECHO_REPLY = 0


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!{}H".format(len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(ident, seq):
    payload = b"mcsnoop-e2e" + struct.pack("!d", time.monotonic())
    header = struct.pack("!BBHHH", ICMP_ECHO_REQUEST, 0, 0, ident, seq)
    return struct.pack("!BBHHH", ICMP_ECHO_REQUEST, 0, checksum(header + payload), ident,
                       seq) + payload


def is_reply(packet, address, ident, seq):
    ihl = (packet[0] & 0x0F) * 4
    if len(packet) < ihl + 8 or socket.inet_ntoa(packet[12:16]) != address:
        return False
    kind, _, _, r_ident, r_seq = struct.unpack("!BBHHH", packet[ihl:ihl + 8])
    return kind == ICMP_ECHO_REPLY and r_ident == ident and r_seq == seq


def ping_once(sock, address, ident, seq, timeout):
    sock.sendto(echo_request(ident, seq), (address, 0))
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        readable, _, _ = select.select([sock], [], [], left)
        if readable and is_reply(sock.recv(2048), address, ident, seq):
            return True


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    address, count, timeout = argv[0], int(argv[1]), float(argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    replies = sum(ping_once(sock, address, ident, seq, timeout) for seq in range(1, count + 1))
    print("replies {}/{}".format(replies, count))
    return 0 if replies else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
