// The key of the multicast forwarding table: (VLAN, group) or (VLAN, group, source).
//
// The hash compares and hashes keys as raw bytes, so the layout has no padding the compiler
// could leave uninitialised (checked below) and the one spare field is always zero.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
static_assert(offsetof(Key, group) == 4 && offsetof(Key, source) == 20);

// ---- data-path key builders ----------------------------------------------------------------
//
// The worker builds one key per multicast frame straight from the IP header. Assembling a Key
// field by field (2-byte VLAN, 10 zero bytes, 0xffff, 4 address bytes) and then hashing it with
// 8-byte loads stalls every load on store-to-load forwarding. These builders write the key as
// the hash reads it: four 8-byte words at offsets 0, 8, 16, 24 and one 4-byte word at 32, each
// composed in a register, so every later load is forwarded from exactly one store.
// Byte-identical to the Key constructors (checked in tests), except that an unspecified data
// source stays a (0.0.0.0, G) key; no such entry exists, so the lookup falls back to (*,G).
namespace detail {
static_assert(std::endian::native == std::endian::little, "word layout below is little-endian");
inline uint64_t load64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }
inline uint32_t load32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline void store_words(Key& k, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, uint32_t w4) {
  auto* b = reinterpret_cast<uint8_t*>(&k);
  std::memcpy(b, &w0, 8);
  std::memcpy(b + 8, &w1, 8);
  std::memcpy(b + 16, &w2, 8);
  std::memcpy(b + 24, &w3, 8);
  std::memcpy(b + 32, &w4, 4);
}
// Bytes 14-15 (group) and 30-31 (source) of a v4-mapped address: 0xff 0xff.
inline constexpr uint64_t kV4MappedMarker = uint64_t{0xffff} << 48;
}  // namespace detail

// (vlan, group, source) from an IPv4 header's destination and source fields (4 bytes each,
// network order, any alignment). `source4` null = (*,G).
inline void fill_key_v4(Key& k, VlanId vlan, const uint8_t* group4, const uint8_t* source4) {
  using namespace detail;
  store_words(k, vlan, kV4MappedMarker, load32(group4), source4 ? kV4MappedMarker : 0,
              source4 ? load32(source4) : 0);
}

// (vlan, group, source) from an IPv6 header's destination and source fields (16 bytes each).
// `source16` null = (*,G).
inline void fill_key_v6(Key& k, VlanId vlan, const uint8_t* group16, const uint8_t* source16) {
  using namespace detail;
  const uint64_t s0 = source16 ? load32(source16) : 0;
  store_words(k, vlan | uint64_t{load32(group16)} << 32, load64(group16 + 4),
              load32(group16 + 12) | s0 << 32, source16 ? load64(source16 + 4) : 0,
              source16 ? load32(source16 + 12) : 0);
}
static_assert(std::is_trivially_copyable_v<Key>);
static_assert(std::has_unique_object_representations_v<Key>, "no padding bytes in the key");

}  // namespace mcsnoop::mft
