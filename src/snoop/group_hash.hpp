// The hash of the engine's group index: (VLAN, group address) -> 64 bits, keyed.
//
// Hosts choose the groups they join, so an unkeyed hash lets one host compute a set of groups
// that share one home slot of the index's linear probing and make every lookup near them walk
// the whole cluster (with a fixed hash, whole families of IPv6 groups hash to the very same
// value). Keyed with a secret random key (core/keyed_hash.hpp), the host cannot tell which of
// its groups collide. Tests pass a fixed key (EngineConfig::hash_key).
//
// Thread safety: pure.
#pragma once

#include <cstdint>
#include <cstring>

#include "mcsnoop/core/keyed_hash.hpp"
#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::snoop {

inline uint64_t group_hash(const core::HashKey& key, VlanId vlan, const net::IpAddr& g) {
  // Both halves of the address and the VLAN: IPv4 groups differ only in the last 4 bytes, so
  // no part of the key may be left out.
  uint64_t lo, hi;
  std::memcpy(&lo, g.bytes().data(), 8);
  std::memcpy(&hi, g.bytes().data() + 8, 8);
  return core::keyed_hash3(key, lo, hi, vlan);
}

}  // namespace mcsnoop::snoop
