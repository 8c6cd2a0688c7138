// The engine's single timer queue: a binary min-heap of (deadline, owner) events.
//
// Owners are never unlinked from the heap. Each owner keeps the deadline it is armed for
// (`armed_at`); an event whose deadline no longer matches is stale and is dropped when it
// reaches the top. A refresh that moves a deadline LATER pushes nothing (the earlier event
// fires, the owner finds nothing due and re-arms), so the steady state of reports refreshing
// memberships touches the heap not at all, and advance() only pops what is due:
// O(expired · log n), with no allocation once the heap has reached its working size.
//
// A deadline moved EARLIER pushes a new event and leaves the old one behind, stale until it
// reaches the top. Lowered again and again (a host repeating a leave, another querier's
// group-specific queries), stale events would pile up without bound, so the owner of the
// queue calls compact() when size() grows past what its live owners can explain: it keeps
// only the current event of each owner.
//
// Thread safety: none.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <tuple>
#include <vector>

namespace mcsnoop::snoop {

using Ms = std::chrono::milliseconds;
inline constexpr Ms kNever = Ms::max();

enum class TimerKind : uint8_t {
  Group,      // a = group slot, b = slot generation: memberships, sources, pending queries
  Routers,    // a = VLAN slot, b = net::family_slot(): learned router port aging
  Querier,    // a = VLAN slot, b = net::family_slot(): general queries, other-querier-present, version fallback
};

struct TimerEvent {
  Ms when;
  uint32_t a;
  uint32_t b;
  TimerKind kind;
};

class TimerQueue {
 public:
  // Arms `armed_at` for `when` unless it already fires at or before it.
  void arm(Ms& armed_at, Ms when, TimerKind kind, uint32_t a, uint32_t b) {
    if (when >= armed_at) return;
    armed_at = when;
    push(TimerEvent{when, a, b, kind});
  }

  bool empty() const { return heap_.empty(); }
  Ms top_time() const { return heap_.empty() ? kNever : heap_.front().when; }

  // Removes and returns the earliest event; precondition: !empty().
  TimerEvent pop() {
    TimerEvent top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    sift_down(0);
    return top;
  }

  size_t size() const { return heap_.size(); }

  // Drops every event `is_current(e)` rejects and every duplicate, then rebuilds the heap:
  // O(n log n), run when stale events outnumber the owners (amortized O(log n) per push).
  template <class IsCurrent>
  void compact(IsCurrent is_current) {
    std::erase_if(heap_, [&](const TimerEvent& e) { return !is_current(e); });
    const auto key = [](const TimerEvent& e) { return std::tuple(e.when, e.kind, e.a, e.b); };
    std::sort(heap_.begin(), heap_.end(), [&](const TimerEvent& x, const TimerEvent& y) { return key(x) < key(y); });
    heap_.erase(std::unique(heap_.begin(), heap_.end(),
                            [&](const TimerEvent& x, const TimerEvent& y) { return key(x) == key(y); }),
                heap_.end());
    // A vector sorted by `when` is already a min-heap.
  }
  size_t memory_bytes() const { return heap_.capacity() * sizeof(TimerEvent); }

 private:
  void push(const TimerEvent& e) {
    heap_.push_back(e);
    size_t i = heap_.size() - 1;
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (heap_[parent].when <= heap_[i].when) break;
      std::swap(heap_[parent], heap_[i]);
      i = parent;
    }
  }
  void sift_down(size_t i) {
    const size_t n = heap_.size();
    for (;;) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < n && heap_[l].when < heap_[m].when) m = l;
      if (r < n && heap_[r].when < heap_[m].when) m = r;
      if (m == i) return;
      std::swap(heap_[m], heap_[i]);
      i = m;
    }
  }

  std::vector<TimerEvent> heap_;
};

}  // namespace mcsnoop::snoop
