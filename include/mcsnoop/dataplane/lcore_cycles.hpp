// Busy and idle TSC cycles of one polling lcore, for the metrics endpoint.
//
// The loop reads the TSC once per iteration (a poll of every queue, never per packet) and
// adds the time since the previous read to `busy` when the iteration found work, else to
// `idle`. The owning lcore is the only writer (a relaxed load and store, no locked add);
// any thread may read the two counters, each whole.
#pragma once

#include <atomic>
#include <cstdint>

namespace mcsnoop::dataplane {

struct LcoreCycles {
  std::atomic<uint64_t> busy{0};
  std::atomic<uint64_t> idle{0};

  // Owner only.
  void add(bool was_busy, uint64_t cycles) {
    std::atomic<uint64_t>& c = was_busy ? busy : idle;
    c.store(c.load(std::memory_order_relaxed) + cycles, std::memory_order_relaxed);
  }
};

}  // namespace mcsnoop::dataplane
