// A fast keyed hash for tables whose keys come from the wire (group and source addresses,
// VLAN ids chosen by hosts).
//
// Why keyed: a table that hashes attacker-chosen keys with a public function (or with a
// function whose collisions do not depend on its seed, as CRC32-C's do: CRC is affine over
// GF(2), so crc(seed, a) == crc(seed, b) holds for every seed or for none) lets a host
// compute keys that share one bucket or one probe cluster, and refuse or slow down another
// host's entry. With a secret random key the host cannot tell which of its keys collide.
//
// The mix is the multiply-fold step of wyhash (the fallback hash of Go's runtime maps, also
// keyed per process against hash flooding): mum(a, b) = low ^ high half of the 128-bit product
// a * b. Every input word is XORed with its own key word before it is multiplied, so no input
// word passes through linearly, and a 128-bit product spreads each input bit over the whole
// result. It is not a cryptographic MAC; it makes collisions a matter of guessing a 256-bit
// key, at the cost of two or three multiplications per key, cheap enough for the
// data path's per-frame MFT lookups.
//
// Thread safety: HashKey is a value; the functions are pure. HashKey::random() may be called
// from any thread (it reads the kernel's random pool).
#pragma once

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <random>

#include <sys/random.h>

namespace mcsnoop::core {

struct HashKey {
  std::array<uint64_t, 4> w{};

  // 256 bits from getrandom(2) (the kernel CSPRNG; std::random_device if that fails).
  // Called once per table at start-up, never on the data path.
  static HashKey random() {
    HashKey k;
    size_t got = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(k.w.data());
    while (got < sizeof k.w) {
      const ssize_t n = ::getrandom(bytes + got, sizeof k.w - got, 0);
      if (n > 0) {
        got += static_cast<size_t>(n);
      } else if (n < 0 && errno != EINTR) {
        break;
      }
    }
    if (got < sizeof k.w) {
      std::random_device rd;
      for (uint64_t& x : k.w) x = (uint64_t{rd()} << 32) ^ rd();
    }
    return k;
  }

  // A fixed key expanded from `seed` (splitmix64), for tests and benchmarks that must be
  // reproducible. Never use it for a table the wire fills.
  static constexpr HashKey fixed(uint64_t seed) {
    HashKey k;
    for (uint64_t& x : k.w) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
    return k;
  }

  constexpr bool operator==(const HashKey&) const = default;
};

// The 128-bit product of a and b, folded to 64 bits (low ^ high).
inline uint64_t mum(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// Hash of up to five 64-bit words under `k`. Callers pass unused words as 0.
inline uint64_t keyed_hash(const HashKey& k, uint64_t w0, uint64_t w1, uint64_t w2 = 0,
                           uint64_t w3 = 0, uint64_t w4 = 0) {
  const uint64_t a = mum(w0 ^ k.w[0], w1 ^ k.w[1]);
  const uint64_t b = mum(w2 ^ k.w[2], w3 ^ k.w[3]);
  // The second multiplication chains both halves and the last word: a difference in any word
  // must cancel through a secret-dependent product to collide.
  return mum(a ^ w4 ^ k.w[3], b ^ k.w[0]);
}

// Three words (the engine's (VLAN, group) key): one multiplication fewer.
inline uint64_t keyed_hash3(const HashKey& k, uint64_t w0, uint64_t w1, uint64_t w2) {
  return mum(mum(w0 ^ k.w[0], w1 ^ k.w[1]) ^ w2 ^ k.w[2], k.w[3] | 1);
}

}  // namespace mcsnoop::core
