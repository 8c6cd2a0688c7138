// One address type for both families: IPv4 is held as v4-mapped IPv6 (::ffff:a.b.c.d).
//
// IGMP and MLD then share every engine path after decoding; the family is derived from the
// address itself, never stored twice.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mcsnoop::net {

enum class Family : uint8_t { V4 = 0, V6 = 1 };
inline constexpr unsigned kFamilyCount = 2;

// The slot of `f` in an array indexed by family (std::array<T, kFamilyCount>): V4 = 0, V6 = 1.
// The one place that turns a Family into a number.
constexpr unsigned family_slot(Family f) { return static_cast<unsigned>(f); }

class IpAddr {
 public:
  constexpr IpAddr() = default;

  static constexpr IpAddr v4(uint32_t host_order) {
    IpAddr a;
    a.b_[10] = 0xff; a.b_[11] = 0xff;
    a.b_[12] = static_cast<uint8_t>(host_order >> 24);
    a.b_[13] = static_cast<uint8_t>(host_order >> 16);
    a.b_[14] = static_cast<uint8_t>(host_order >> 8);
    a.b_[15] = static_cast<uint8_t>(host_order);
    return a;
  }
  static IpAddr v4_bytes(const uint8_t* p) { IpAddr a; a.b_[10] = a.b_[11] = 0xff; std::memcpy(&a.b_[12], p, 4); return a; }
  static IpAddr v6_bytes(const uint8_t* p) { IpAddr a; std::memcpy(a.b_.data(), p, 16); return a; }
  static constexpr IpAddr v6(const std::array<uint8_t, 16>& bytes) { IpAddr a; a.b_ = bytes; return a; }
  // ff02::<low>: the link-scope groups of RFC 4291 2.7.1 and friends (ff02::1, ::2, ::d, ::16, ::6a).
  static constexpr IpAddr v6_link_scope(uint16_t low) {
    return v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(low >> 8),
               static_cast<uint8_t>(low)});
  }
  // The unspecified address of a family: 0.0.0.0 (mapped) or ::.
  static constexpr IpAddr any(Family f) { return f == Family::V4 ? v4(0) : IpAddr(); }

  // Parses dotted quad or RFC 4291 text; nullopt on error.
  static std::optional<IpAddr> parse(std::string_view text);
  std::string to_string() const;

  constexpr bool is_v4() const {
    for (int i = 0; i < 10; ++i) if (b_[i] != 0) return false;
    return b_[10] == 0xff && b_[11] == 0xff;
  }
  constexpr Family family() const { return is_v4() ? Family::V4 : Family::V6; }
  constexpr uint32_t v4_host() const {
    return uint32_t{b_[12]} << 24 | uint32_t{b_[13]} << 16 | uint32_t{b_[14]} << 8 | b_[15];
  }
  constexpr bool is_unspecified() const { return is_v4() ? v4_host() == 0 : *this == IpAddr(); }
  constexpr bool is_multicast() const { return is_v4() ? (b_[12] & 0xf0) == 0xe0 : b_[0] == 0xff; }
  // 224.0.0.0/24 and ff02::1: always flooded, never snooped (RFC 4541 2.1.2(2), 3).
  constexpr bool is_link_local_multicast_v4() const { return is_v4() && b_[12] == 224 && b_[13] == 0 && b_[14] == 0; }
  constexpr bool is_all_nodes_v6() const {
    if (b_[0] != 0xff || b_[1] != 0x02) return false;
    for (int i = 2; i < 15; ++i) if (b_[i] != 0) return false;
    return b_[15] == 1;
  }
  // Groups that are never snooped: their traffic is flooded in the VLAN.
  constexpr bool is_unsnoopable_group() const {
    return is_link_local_multicast_v4() || is_all_nodes_v6() ||
           (!is_v4() && b_[0] == 0xff && (b_[1] & 0x0f) <= 1);  // scope 0 and 1 (ff00::/15-ish)
  }
  constexpr bool is_link_local_unicast_v6() const { return !is_v4() && b_[0] == 0xfe && (b_[1] & 0xc0) == 0x80; }
  // Source-specific ranges (RFC 4607): 232/8 and ff3x::/32.
  constexpr bool is_ssm() const { return is_v4() ? b_[12] == 232 : (b_[0] == 0xff && (b_[1] & 0xf0) == 0x30); }

  constexpr const std::array<uint8_t, 16>& bytes() const { return b_; }
  const uint8_t* v4_ptr() const { return &b_[12]; }

  constexpr auto operator<=>(const IpAddr&) const = default;

 private:
  std::array<uint8_t, 16> b_{};
};

static_assert(sizeof(IpAddr) == 16);

struct IpAddrHash {
  size_t operator()(const IpAddr& a) const noexcept {
    uint64_t lo, hi;
    std::memcpy(&lo, a.bytes().data(), 8);
    std::memcpy(&hi, a.bytes().data() + 8, 8);
    uint64_t h = (hi ^ (lo * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    return static_cast<size_t>(h ^ (h >> 32));
  }
};

}  // namespace mcsnoop::net

template <>
struct std::hash<mcsnoop::net::IpAddr> : mcsnoop::net::IpAddrHash {};
