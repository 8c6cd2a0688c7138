// Per-port rate limits that hold whatever the number of lcores and RX queues receiving from
// the port (the punt policer, storm control).
//
// SharedTokenBucket is the port's bucket, in shared memory: a GCRA (virtual scheduling form of
// a token bucket) over one atomic word, the "theoretical arrival time" in TSC cycles. An lcore
// does not touch it per packet: its TokenShare takes a chunk of tokens at a time (one CAS) and
// spends them locally (a decrement and a compare per packet). The error against an exact
// per-port bucket is at most (chunk - 1) tokens per lcore, kept small by sizing chunks from the
// burst (burst / 8, at most 32).
//
// Thread safety: SharedTokenBucket::configure before the lcores start (not concurrently with
// grant); grant from any number of lcores at once (lock-free). A TokenShare belongs to one lcore.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace mcsnoop::dataplane {

class alignas(64) SharedTokenBucket {
 public:
  SharedTokenBucket() = default;
  SharedTokenBucket(const SharedTokenBucket&) = delete;
  SharedTokenBucket& operator=(const SharedTokenBucket&) = delete;

  // rate_pps packets per second with a burst of max(rate/10, 16) packets, full at start.
  // rate_pps 0: closed, nothing passes.
  void configure(uint64_t rate_pps, uint64_t tsc_hz) {
    tat_.store(0, std::memory_order_relaxed);
    if (rate_pps == 0) {
      cycles_per_token_ = 0;
      chunk_ = 1;
      return;
    }
    const uint64_t burst = std::max<uint64_t>(rate_pps / 10, 16);
    cycles_per_token_ = std::max<uint64_t>(tsc_hz / rate_pps, 1);
    burst_cycles_ = burst * cycles_per_token_;
    chunk_ = static_cast<uint32_t>(std::clamp<uint64_t>(burst / 8, 1, 32));
  }
  bool closed() const { return cycles_per_token_ == 0; }
  // Tokens an lcore takes at a time.
  uint32_t chunk() const { return chunk_; }

  // Takes up to `want` tokens at TSC time `now`; returns how many were granted (0 when the
  // bucket is empty).
  uint32_t grant(uint32_t want, uint64_t now) {
    if (closed()) return 0;
    uint64_t tat = tat_.load(std::memory_order_relaxed);
    for (;;) {
      const uint64_t base = std::max(tat, now);
      // Another lcore, whose `now` is later than this one's, may have taken tokens up to beyond
      // this lcore's horizon: nothing is left for it.
      if (base >= now + burst_cycles_) return 0;
      const uint64_t room = (now + burst_cycles_ - base) / cycles_per_token_;
      const uint64_t n = std::min<uint64_t>(want, room);
      if (n == 0) return 0;
      if (tat_.compare_exchange_weak(tat, base + n * cycles_per_token_, std::memory_order_relaxed)) {
        return static_cast<uint32_t>(n);
      }
    }
  }

 private:
  std::atomic<uint64_t> tat_{0};
  uint64_t cycles_per_token_ = 0;
  uint64_t burst_cycles_ = 0;
  uint32_t chunk_ = 1;
};

// One lcore's tokens of one SharedTokenBucket.
class TokenShare {
 public:
  bool take(SharedTokenBucket& bucket, uint64_t now) {
    if (tokens_ == 0) [[unlikely]] {
      tokens_ = bucket.grant(bucket.chunk(), now);
      if (tokens_ == 0) return false;
    }
    --tokens_;
    return true;
  }

 private:
  uint32_t tokens_ = 0;
};

}  // namespace mcsnoop::dataplane
