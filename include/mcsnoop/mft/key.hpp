// The key of the multicast forwarding table: (VLAN, group) or (VLAN, group, source).
//
// The hash compares and hashes keys as raw bytes, so the layout has no padding the compiler
// could leave uninitialised (checked below) and the one spare field is always zero.
#pragma once

#include <cstdint>
#include <type_traits>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::mft {

struct Key {
  VlanId vlan = 0;
  uint16_t reserved = 0;  // always zero: part of the hashed bytes
  net::IpAddr group;
  // All-zero bytes (IpAddr()) = any source, i.e. a (*,G) key. IPv4 addresses are held
  // v4-mapped (::ffff:a.b.c.d), so all-zero bytes are never a real IPv4 source.
  net::IpAddr source;

  constexpr Key() = default;
  // An unspecified source of either family (:: or 0.0.0.0) is normalised to IpAddr(), so
  // both spellings name the same (*,G) entry.
  constexpr Key(VlanId v, const net::IpAddr& g, const net::IpAddr& s = net::IpAddr())
      : vlan(v), group(g), source(s.is_unspecified() ? net::IpAddr() : s) {}

  static constexpr Key any_source(VlanId v, const net::IpAddr& g) { return Key(v, g); }

  constexpr bool is_any_source() const { return source == net::IpAddr(); }
  // The (*,G) key of the same group: where a data path (S,G) miss falls back to.
  constexpr Key without_source() const { return Key(vlan, group); }

  constexpr bool operator==(const Key&) const = default;
};

static_assert(sizeof(Key) == 36, "MFT key layout is hashed as 36 raw bytes");
static_assert(std::is_trivially_copyable_v<Key>);
static_assert(std::has_unique_object_representations_v<Key>, "no padding bytes in the key");

}  // namespace mcsnoop::mft
