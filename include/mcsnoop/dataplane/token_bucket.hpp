// Token bucket policing punted control packets per (worker, port). Owned by one lcore: no
// atomics. Time is in TSC cycles so the per-packet check is one subtraction and a compare.
#pragma once

#include <algorithm>
#include <cstdint>

namespace mcsnoop::dataplane {

class TokenBucket {
 public:
  TokenBucket() = default;
  // rate_pps packets per second with a burst of max(rate/10, 16) packets.
  void configure(uint64_t rate_pps, uint64_t tsc_hz, uint64_t now) {
    burst_ = std::max<uint64_t>(rate_pps / 10, 16);
    cycles_per_token_ = rate_pps ? std::max<uint64_t>(tsc_hz / rate_pps, 1) : UINT64_MAX;
    tokens_ = burst_;
    last_ = now;
  }
  bool take(uint64_t now) {
    if (tokens_ == 0) refill(now);
    if (tokens_ == 0) return false;
    --tokens_;
    return true;
  }

 private:
  void refill(uint64_t now) {
    if (cycles_per_token_ == UINT64_MAX) return;
    uint64_t add = (now - last_) / cycles_per_token_;
    if (add == 0) return;
    tokens_ = std::min(burst_, tokens_ + add);
    last_ += add * cycles_per_token_;
  }
  uint64_t tokens_ = 0, burst_ = 0, cycles_per_token_ = UINT64_MAX, last_ = 0;
};

}  // namespace mcsnoop::dataplane
