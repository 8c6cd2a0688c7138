// The frames the control plane originates, untagged (the TX stage adds the VLAN tag per egress
// port): the queries the engine asks for, and RFC 4286 Multicast Router Solicitations.
//
// Thread safety: pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

// How many of q's sources one frame of at most `max_frame` bytes (untagged Ethernet frame,
// FCS excluded) can carry: a group-and-source-specific query with more sources is sent as
// several queries, each with a share of them (RFC 3376 4.1.8 and RFC 3810 5.1.10 bound the
// number of sources by the link MTU). 0 when not even a query with no source fits. Queries
// without sources (and IGMPv2/MLDv1 ones, which carry none) return SIZE_MAX when they fit.
size_t query_sources_per_frame(const snoop::QueryToSend& q, uint32_t max_frame);

// The frame of `q` carrying only q.sources[first, first + count), written into `buf`; returns
// its length, or 0 (nothing written) when it does not fit `buf` or the range is out of bounds.
// `src_mac` is the sending port's address.
uint32_t build_query_frame_into(std::span<uint8_t> buf, const snoop::QueryToSend& q, size_t first,
                                size_t count, const uint8_t src_mac[6]);

// An MRD Solicitation from `src`, whose family decides the form: IGMP type 0x31 to 224.0.0.2,
// or ICMPv6 type 152 to ff02::2 (IPv6 wants a link-local `src`). TTL / hop limit 1 and the
// Router Alert option, as RFC 4286 requires. Written into `buf` as build_query_frame_into().
uint32_t build_solicitation_frame_into(std::span<uint8_t> buf, const net::IpAddr& src, const uint8_t src_mac[6]);

}  // namespace mcsnoop::control
