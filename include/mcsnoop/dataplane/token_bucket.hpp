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
// grant); set_rate from one thread (a live reload) while others grant; grant from any number of
// lcores at once (lock-free). A TokenShare belongs to one lcore.
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
    set_rate(rate_pps, tsc_hz);
  }
  // A new rate while lcores take tokens (a reload): each parameter is one word, so a grant
  // racing with it may use the old value of one and the new of another for that one grant;
  // the tokens already taken are kept.
  void set_rate(uint64_t rate_pps, uint64_t tsc_hz) {
    if (rate_pps == 0) {
      cycles_per_token_.store(0, std::memory_order_relaxed);
      chunk_.store(1, std::memory_order_relaxed);
      return;
    }
    const uint64_t burst = std::max<uint64_t>(rate_pps / 10, 16);
    const uint64_t per_token = std::max<uint64_t>(tsc_hz / rate_pps, 1);
    burst_cycles_.store(burst * per_token, std::memory_order_relaxed);
    chunk_.store(static_cast<uint32_t>(std::clamp<uint64_t>(burst / 8, 1, 32)), std::memory_order_relaxed);
    cycles_per_token_.store(per_token, std::memory_order_relaxed);
  }
  bool closed() const { return cycles_per_token_.load(std::memory_order_relaxed) == 0; }
  // Tokens an lcore takes at a time.
  uint32_t chunk() const { return chunk_.load(std::memory_order_relaxed); }

  // Takes up to `want` tokens at TSC time `now`; returns how many were granted (0 when the
  // bucket is empty).
  uint32_t grant(uint32_t want, uint64_t now) {
    // One load of each parameter: a reload may change them meanwhile (set_rate).
    const uint64_t per_token = cycles_per_token_.load(std::memory_order_relaxed);
    if (per_token == 0) return 0;
    const uint64_t burst_cycles = burst_cycles_.load(std::memory_order_relaxed);
    uint64_t tat = tat_.load(std::memory_order_relaxed);
    for (;;) {
      const uint64_t base = std::max(tat, now);
      // Another lcore, whose `now` is later than this one's, may have taken tokens up to beyond
      // this lcore's horizon: nothing is left for it.
      if (base >= now + burst_cycles) return 0;
      const uint64_t room = (now + burst_cycles - base) / per_token;
      const uint64_t n = std::min<uint64_t>(want, room);
      if (n == 0) return 0;
      if (tat_.compare_exchange_weak(tat, base + n * per_token, std::memory_order_relaxed)) {
        return static_cast<uint32_t>(n);
      }
    }
  }

 private:
  std::atomic<uint64_t> tat_{0};
  std::atomic<uint64_t> cycles_per_token_{0};
  std::atomic<uint64_t> burst_cycles_{0};
  std::atomic<uint32_t> chunk_{1};
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
