#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_engine (tests/fuzz/corpus_engine/).

Each seed is an engine setup followed by steps, in the byte layout that fuzz_engine_body.cpp
reads (read_setup, run_one_input, build_*): keep the two in step. Run from anywhere:
    python3 tests/fuzz/gen_engine_corpus.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_engine")

V4, V6 = 0x00, 0x80
VLAN_A, VLAN_B, VLAN_UNKNOWN = 2, 0, 1
IS_IN, IS_EX, TO_IN, TO_EX, ALLOW, BLOCK = range(6)  # record type byte: 1 + b % 6


def setup(nports=4, guard=0, always=0, never=0, fast=0, flood=0, port_limit=0, max_groups=40,
          qi_idx=2, robustness=2, lmqi_short=0, lmqc=2, querier=True, version=3, mld_querier=False,
          unreg=0, per_group=63, port_sources=0, table_sources=255, vlan_groups=0):
    t = (robustness - 1) | (qi_idx << 2) | (lmqi_short << 4) | ((lmqc - 1) << 5)
    q = (1 if querier else 0) | ((version - 1) << 1) | (8 if mld_querier else 0) | (unreg << 5)
    return bytes([nports - 2, guard, always, never, fast, flood, port_limit, max_groups - 1, t, q,
                  per_group, port_sources, table_sources, vlan_groups])


def where(port, vlan=VLAN_A):
    return (port << 3) | vlan


def srcs(n, start=0, stride=1, extra=None):
    b = bytes([n]) + struct.pack(">H", start) + bytes([stride])
    if n > 0:
        b += bytes([0 if extra is not None else 1])
        if extra is not None:
            b += struct.pack(">H", extra)
    return b


def v3_report(port, recs, fam=V4, host=11, vlan=VLAN_A):
    """recs: [(type, group_sel, srcs_bytes)]"""
    b = bytes([0 | fam, where(port, vlan), 2, host, len(recs) - 1])
    for t, g, s in recs:
        b += bytes([t, g]) + s
    return b


def old_report(port, group, fam=V4, host=11, v1=False):
    return bytes([0 | fam, where(port), 4 if v1 else 0, host, group])


def leave(port, group, fam=V4, host=11):
    return bytes([0 | fam, where(port), 1, host, group])


def query(port, who=1, group=None, mrt_ds=100, qrv=2, qqi=125, fam=V4, version=3, sources=None):
    flags = (1 if group is not None else 0) | (2 if sources is not None else 0) | 4 | (8 if qqi != 31744 else 0)
    flags |= {3: 0, 2: 1, 1: 2}[version] << 4
    b = bytes([2 | fam, where(port), flags, who])
    if group is not None:
        b += bytes([group])
    b += bytes([max(0, min(255, mrt_ds - 1))]) + bytes([qrv])
    if qqi != 31744:
        b += bytes([qqi])
    if sources is not None and group is not None:
        b += sources
    return b


def router_signal(port, kind, who=1, arg=30, fam=V4):
    b = bytes([3 | fam, where(port), kind, who])
    if kind in (0, 1):
        b += bytes([arg])
    return b


def advance(code):
    return bytes([4, 0, code])


def link(port, up):
    return bytes([5 | (8 if up else 0), where(port)])


def burst(port, reports):
    """reports: raw build_report byte strings (without op/where)."""
    return bytes([7, where(port), len(reports) - 1]) + b"".join(reports)


SEEDS = {
    "join_leave_v3": setup() + v3_report(1, [(IS_EX, 1, srcs(0))]) + old_report(2, 1, host=12)
    + leave(2, 1, host=12) + advance(150) + v3_report(1, [(TO_IN, 1, srcs(0))]) + advance(210) + advance(251),
    "source_specific": setup() + v3_report(1, [(IS_IN, 2, srcs(3, 10)), (ALLOW, 3, srcs(2, 20))])
    + v3_report(2, [(TO_EX, 2, srcs(1, 11))]) + v3_report(1, [(BLOCK, 2, srcs(1, 10))]) + advance(199)
    + advance(220) + advance(251),
    "router_guard": setup(guard=0b0100) + v3_report(1, [(IS_EX, 1, srcs(0))]) + query(2, who=1)
    + query(2, who=1, group=1, mrt_ds=1) + router_signal(2, 0) + router_signal(2, 1) + router_signal(2, 3)
    + router_signal(2, 2) + advance(100) + advance(150),
    "spoofed_query_bounds": setup() + query(3, who=1, mrt_ds=255, qrv=7, qqi=31744)
    + v3_report(1, [(IS_EX, 1, srcs(0))]) + advance(249) + advance(251) + advance(251),
    "link_flap": setup() + b"".join(link(2, False) + link(2, True) + advance(1) for _ in range(30))
    + advance(210),
    # The source-cap bypass of issue 8: ALLOW records whose sources sort below the list.
    "sources_cap": setup(max_groups=8) + b"".join(
        v3_report(1, [(ALLOW, 5, srcs(64, 60000 - 64 * i, 1))]) for i in range(6))
    + v3_report(1, [(TO_EX, 5, srcs(64, 1, 3))]) + advance(230),
    "port_limits": setup(port_limit=3, max_groups=6, port_sources=9, table_sources=3, vlan_groups=0x21)
    + b"".join(old_report(1 + i % 3, i) for i in range(12))
    + b"".join(v3_report(1 + i % 3, [(IS_IN, 8 + i, srcs(9, 100 * i))]) for i in range(6))
    + advance(251),
    "mld": setup(querier=True, mld_querier=True) + v3_report(1, [(IS_EX, 1, srcs(0))], fam=V6)
    + old_report(2, 2, fam=V6) + leave(2, 2, fam=V6) + query(0, who=1, fam=V6) + advance(150) + advance(251),
    "timer_lowering": setup(querier=False) + query(0, who=1) + old_report(1, 1)
    + b"".join(query(0, who=1, group=1, mrt_ds=250 - i, qrv=1) for i in range(200)) + advance(251),
    "burst_and_vlans": setup(nports=5, always=0b00001, fast=0b00010)
    + burst(1, [bytes([0, 11, 1]), bytes([2, 12, 0, IS_EX, 4]) + srcs(0), bytes([1, 11, 1])])
    + bytes([0, where(1, VLAN_B), 0, 13, 3]) + bytes([0, where(4, VLAN_B), 0, 14, 3])
    + bytes([0, where(1, VLAN_UNKNOWN), 0, 15, 3]) + link(0, False) + advance(251),
    "older_versions": setup(version=2) + old_report(1, 1, v1=True) + leave(1, 1) + query(3, who=2, version=1)
    + query(3, who=2, version=2) + old_report(2, 1) + leave(2, 1) + advance(199) + advance(251),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {OUT}")


if __name__ == "__main__":
    main()
