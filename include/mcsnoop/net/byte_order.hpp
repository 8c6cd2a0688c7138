// Strong big-endian integer types for wire structs.
//
// A Be16/Be32 can only be built from or read as host order through explicit calls, so a field
// read off the wire is never used as a host integer by mistake. Layout-compatible with the
// raw bytes (packed, no padding), so wire headers can be declared as plain structs of them.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace mcsnoop::net {

template <typename T>
constexpr T byteswap_if_le(T v) {
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
    if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(v));
    if constexpr (sizeof(T) == 8) return static_cast<T>(__builtin_bswap64(v));
  }
  return v;
}

template <typename T>
class BigEndian {
 public:
  constexpr BigEndian() = default;
  static constexpr BigEndian from_host(T v) { BigEndian b; b.raw_ = byteswap_if_le(v); return b; }
  static constexpr BigEndian from_raw(T raw) { BigEndian b; b.raw_ = raw; return b; }
  constexpr T host() const { return byteswap_if_le(raw_); }
  constexpr T raw() const { return raw_; }
  constexpr bool operator==(const BigEndian&) const = default;

 private:
  T raw_ = 0;
};

using Be16 = BigEndian<uint16_t>;
using Be32 = BigEndian<uint32_t>;
static_assert(sizeof(Be16) == 2 && sizeof(Be32) == 4);

// Unaligned loads and stores of big-endian values from byte buffers.
inline uint16_t load_be16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return byteswap_if_le(v); }
inline uint32_t load_be32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return byteswap_if_le(v); }
inline void store_be16(uint8_t* p, uint16_t v) { v = byteswap_if_le(v); std::memcpy(p, &v, 2); }
inline void store_be32(uint8_t* p, uint32_t v) { v = byteswap_if_le(v); std::memcpy(p, &v, 4); }

}  // namespace mcsnoop::net
