// A set of switch ports as one 64-bit word.
//
// Port ids are dense indices 0..kMaxPorts-1 assigned in configuration order (not DPDK port ids).
// One word keeps forwarding sets small enough to publish atomically and to compare, merge and
// iterate without allocation: the data path never does more than ctz-and-clear on it.
#pragma once

#include <bit>
#include <cstdint>

namespace mcsnoop {

using PortId = uint16_t;
using VlanId = uint16_t;

inline constexpr unsigned kMaxPorts = 64;

class PortMask {
 public:
  constexpr PortMask() = default;
  constexpr explicit PortMask(uint64_t bits) : bits_(bits) {}
  static constexpr PortMask of(PortId p) { return PortMask(uint64_t{1} << p); }
  static constexpr PortMask all(unsigned nports) {
    return PortMask(nports >= 64 ? ~uint64_t{0} : (uint64_t{1} << nports) - 1);
  }

  constexpr uint64_t bits() const { return bits_; }
  constexpr bool test(PortId p) const { return (bits_ >> p) & 1; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr unsigned count() const { return std::popcount(bits_); }
  constexpr void set(PortId p) { bits_ |= uint64_t{1} << p; }
  constexpr void reset(PortId p) { bits_ &= ~(uint64_t{1} << p); }
  constexpr PortMask without(PortId p) const { return PortMask(bits_ & ~(uint64_t{1} << p)); }

  constexpr PortMask operator|(PortMask o) const { return PortMask(bits_ | o.bits_); }
  constexpr PortMask operator&(PortMask o) const { return PortMask(bits_ & o.bits_); }
  constexpr PortMask operator~() const { return PortMask(~bits_); }
  constexpr PortMask& operator|=(PortMask o) { bits_ |= o.bits_; return *this; }
  constexpr PortMask& operator&=(PortMask o) { bits_ &= o.bits_; return *this; }
  constexpr bool operator==(const PortMask&) const = default;

  // Calls f(PortId) for each member, lowest first.
  template <typename F>
  constexpr void for_each(F&& f) const {
    for (uint64_t b = bits_; b != 0; b &= b - 1) f(static_cast<PortId>(std::countr_zero(b)));
  }

 private:
  uint64_t bits_ = 0;
};

static_assert(sizeof(PortMask) == 8);

}  // namespace mcsnoop
