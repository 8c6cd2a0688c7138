// Turns a query the engine asks for into an untagged Ethernet frame (the TX stage adds the
// VLAN tag per egress port).
#pragma once

#include <cstdint>
#include <vector>

#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

// Writes the frame into `out` (resized). `src_mac` is the sending port's address.
void build_query_frame(const snoop::QueryToSend& q, const uint8_t src_mac[6], std::vector<uint8_t>& out);

}  // namespace mcsnoop::control
