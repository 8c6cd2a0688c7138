// The engine's private containers: SmallVec, OpenHashIndex and TimerQueue.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <unordered_map>

#include "open_hash_index.hpp"
#include "small_vec.hpp"
#include "timer_queue.hpp"

namespace mcsnoop::snoop {
namespace {

TEST(SmallVecTest, StaysInlineThenGrowsAndKeepsOrder) {
  SmallVec<uint64_t, 1> v;
  v.push_back(5);
  EXPECT_EQ(v.heap_bytes(), 0u);
  v.insert(0, 3);
  v.insert(1, 4);
  v.push_back(6);
  EXPECT_GT(v.heap_bytes(), 0u);
  EXPECT_EQ(std::vector<uint64_t>(v.begin(), v.end()), (std::vector<uint64_t>{3, 4, 5, 6}));
  v.erase(1);
  v.retain([](uint64_t x) { return x != 5; });
  EXPECT_EQ(std::vector<uint64_t>(v.begin(), v.end()), (std::vector<uint64_t>{3, 6}));
  SmallVec<uint64_t, 1> moved(std::move(v));
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(v.size(), 0u);
  SmallVec<uint64_t, 1> copy = moved;
  EXPECT_EQ(copy[1], 6u);
}

TEST(OpenHashIndexTest, MatchesAReferenceMapUnderChurn) {
  OpenHashIndex idx(4);
  std::unordered_map<uint32_t, uint64_t> ref;  // value -> hash
  std::mt19937_64 rng(7);
  auto hash_of = [](uint32_t v) { return uint64_t{v} * 0x9e3779b97f4a7c15ULL; };
  for (int step = 0; step < 20000; ++step) {
    const uint32_t v = static_cast<uint32_t>(rng() % 3000);
    const uint64_t h = (v % 7 == 0) ? 42 : hash_of(v);  // some full collisions too
    const uint32_t found = idx.find(h, [&](uint32_t x) { return x == v; });
    if (ref.count(v)) {
      ASSERT_EQ(found, v);
      idx.erase(h, v);
      ref.erase(v);
    } else {
      ASSERT_EQ(found, OpenHashIndex::kNone);
      idx.insert(h, v);
      ref[v] = h;
    }
    ASSERT_EQ(idx.size(), ref.size());
  }
  for (auto [v, h] : ref) EXPECT_EQ(idx.find(h, [&](uint32_t x) { return x == v; }), v);
}

TEST(TimerQueueTest, PopsInDeadlineOrderAndSkipsLaterRearms) {
  TimerQueue q;
  Ms armed_a = kNever, armed_b = kNever;
  q.arm(armed_a, Ms{50}, TimerKind::Group, 1, 0);
  q.arm(armed_b, Ms{20}, TimerKind::Group, 2, 0);
  q.arm(armed_a, Ms{80}, TimerKind::Group, 1, 0);  // later: nothing pushed
  EXPECT_EQ(q.size(), 2u);
  q.arm(armed_a, Ms{10}, TimerKind::Group, 1, 0);  // earlier: pushed, the 50 ms event is stale
  EXPECT_EQ(armed_a, Ms{10});
  std::vector<Ms> order;
  while (!q.empty()) order.push_back(q.pop().when);
  EXPECT_EQ(order, (std::vector<Ms>{Ms{10}, Ms{20}, Ms{50}}));
}

}  // namespace
}  // namespace mcsnoop::snoop
