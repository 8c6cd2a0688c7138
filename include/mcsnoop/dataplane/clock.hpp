// Monotonic milliseconds from the TSC, the one time base of the data and control planes
// (MAC ages, token buckets, engine timers), so values written by one lcore mean the same to
// another. Cheap enough to read once per burst.
#pragma once

#include <cstdint>

#include <rte_cycles.h>

namespace mcsnoop::dataplane {

class TscClock {
 public:
  TscClock() : hz_(rte_get_tsc_hz()), per_ms_(hz_ / 1000 ? hz_ / 1000 : 1), start_(rte_rdtsc()) {}
  uint64_t hz() const { return hz_; }
  uint64_t cycles() const { return rte_rdtsc(); }
  // Milliseconds since this clock was made.
  uint64_t now_ms() const { return (rte_rdtsc() - start_) / per_ms_; }
  uint64_t cycles_to_ms(uint64_t c) const { return (c - start_) / per_ms_; }

 private:
  uint64_t hz_;
  uint64_t per_ms_;
  uint64_t start_;
};

}  // namespace mcsnoop::dataplane
