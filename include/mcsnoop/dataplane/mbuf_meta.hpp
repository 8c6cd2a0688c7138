// Per-frame metadata carried in an mbuf dynamic field between lcores: from an RX stage to the
// control lcore (punted control frames) or to a TX lcore (split roles).
#pragma once

#include <cstdint>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

namespace mcsnoop::dataplane {

struct MbufMeta {
  uint64_t egress;    // PortMask bits (split roles)
  uint16_t vlan;
  uint16_t in_port;   // PortId of arrival
  uint8_t tagged;     // the frame's header carries an 802.1Q tag with `vlan`
  // Control frames (punted): the worker's classification (net::Classification), so that the
  // control lcore decodes from it instead of classifying the frame again. The class implies
  // the IP header checks passed (IPv4 header checksum included) and that it is no fragment.
  uint8_t cls;        // net::FrameClass
  uint16_t l3_offset; // IP header, from the frame's start (after a removed priority tag)
  uint16_t l4_offset; // IGMP / ICMPv6 / PIM header, from the frame's start
  uint8_t pad[6];
};
static_assert(sizeof(MbufMeta) == 24);

// Registers the dynamic field once per process (idempotent). Returns false when the mbuf has no
// room left for it.
bool register_mbuf_meta();

extern int g_mbuf_meta_offset;

inline MbufMeta& meta(rte_mbuf* m) { return *RTE_MBUF_DYNFIELD(m, g_mbuf_meta_offset, MbufMeta*); }

}  // namespace mcsnoop::dataplane
