// The frames the control plane originates, untagged (the TX stage adds the VLAN tag per egress
// port): the queries the engine asks for, and RFC 4286 Multicast Router Solicitations.
#pragma once

#include <cstdint>
#include <vector>

#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

// Writes the frame into `out` (resized). `src_mac` is the sending port's address.
void build_query_frame(const snoop::QueryToSend& q, const uint8_t src_mac[6], std::vector<uint8_t>& out);

// An MRD Solicitation from `src`, whose family decides the form: IGMP type 0x31 to 224.0.0.2,
// or ICMPv6 type 152 to ff02::2 (IPv6 wants a link-local `src`). TTL / hop limit 1 and the
// Router Alert option, as RFC 4286 requires.
void build_solicitation_frame(const net::IpAddr& src, const uint8_t src_mac[6], std::vector<uint8_t>& out);

}  // namespace mcsnoop::control
