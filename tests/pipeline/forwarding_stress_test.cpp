// RCU stress through the whole data path: two worker lcores forward real frames (classify, MFT
// bulk lookup, entry dereference, replication, TX) while the test thread, as the MFT's single
// writer, churns 100,000 keys: every key inserted, replaced and erased, with reclamation running
// all along. Afterwards every entry ever published was freed once and every mbuf is back in its
// pool.
//
// A worker that used an entry after its grace period could find it handed out again for
// another group (the entry slab reuses slots at once) and send the frame to a port its own group
// never had: every copy is checked for that. The window is one burst, so this catches such a bug
// only by chance; tables/rcu_stress_test.cpp hunts it with tight reader loops (it fails at once
// when entries are freed without a grace period). Under AddressSanitizer the late read itself
// is reported (released entries are poisoned, src/mft/entry_pool.hpp):
//   meson setup /tmp/build-asan -Db_sanitize=address && meson test -C /tmp/build-asan pipeline_forwarding_stress
#include <chrono>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mcsnoop/mft/mft.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using std::chrono::seconds;

constexpr uint32_t kKeys = 100'000;
constexpr unsigned kFramesPerBatch = 16;  // per RX queue
constexpr uint32_t kOpsPerBatch = 256;    // MFT writes between two batches of frames
constexpr unsigned kDistinctFrames = 512;

// Group i of the churned key space: 239.0.0.0 + i.
net::IpAddr group(uint32_t i) { return net::IpAddr::v4(0xEF000000u | i); }

// Ports h2..h4 (ids 1..3): a non-empty subset that changes with the pass.
PortMask ports_for(uint32_t i, unsigned pass) { return PortMask((((i + pass) % 7) + 1) << 1); }

TEST(ForwardingStress, WorkersForwardWhileTheWriterChurns100kEntries) {
  HarnessLayout layout{.lcores = {.workers = {1, 2}}, .tx_queues = 3, .rx_queues = 2, .mft_capacity = 131'072};
  HarnessVlan v;
  v.id = 1;
  v.unregistered = snoop::UnregisteredPolicy::Drop;  // frames of absent keys go nowhere
  SwitchHarness sw({{.name = "h1"}, {.name = "h2"}, {.name = "h3"}, {.name = "h4"}}, {v}, seconds(300), layout);
  ASSERT_EQ(sw.dp().worker_count(), 2u);
  mft::Table& table = sw.dp().mft();

  // Frames to groups spread over the whole key space, from a host on h1.
  std::vector<std::vector<uint8_t>> frames;
  for (unsigned f = 0; f < kDistinctFrames; ++f)
    frames.push_back(udp_to(group(f * (kKeys / kDistinctFrames)).to_string().c_str(), "10.0.0.11", mac(0x11)));

  std::string err;
  ASSERT_TRUE(sw.launch(&err)) << err;

  uint64_t injected = 0;
  size_t copies = 0;
  size_t back_out = 0;
  unsigned next_frame = 0;
  bool stalled = false;
  size_t misdelivered = 0;
  // A copy of group i may only reach a port of one of the two sets the writer gave i: unknown
  // groups are dropped, so a port outside both means an entry was read for the wrong key.
  auto collect = [&] {
    back_out += sw.capture("h1").size();
    for (const char* p : {"h2", "h3", "h4"}) {
      const PortId id = sw.port(p);
      for (const Captured& c : sw.capture(p)) {
        ++copies;
        const uint32_t i = c.info().group.v4_host() - 0xEF000000u;
        if (!(ports_for(i, 0) | ports_for(i, 1)).test(id)) ++misdelivered;
      }
    }
  };
  // One batch per RX queue, after waiting (deadline, no sleeps) until the workers have made
  // room: the writer goes at the workers' pace, so every batch of writes meets traffic.
  auto traffic = [&] {
    const auto deadline = std::chrono::steady_clock::now() + seconds(20);
    for (;;) {
      collect();
      bool room = sw.pool_in_use() < 2048;
      for (unsigned q = 0; q < layout.rx_queues; ++q) room = room && sw.rx_ring_free("h1", q) >= kFramesPerBatch;
      if (room) break;
      if (std::chrono::steady_clock::now() > deadline) {
        stalled = true;
        return;
      }
    }
    for (unsigned k = 0; k < kFramesPerBatch; ++k) {
      for (unsigned q = 0; q < layout.rx_queues; ++q) {
        sw.inject("h1", frames[next_frame++ % kDistinctFrames], q);
        ++injected;
      }
    }
  };

  // Three passes over the key space: insert, replace, erase; the workers forward throughout.
  uint32_t ops = 0;
  for (unsigned pass = 0; pass < 3; ++pass) {
    for (uint32_t i = 0; i < kKeys; ++i) {
      const mft::Key key(1, group(i));
      if (pass < 2) {
        ASSERT_TRUE(table.set(key, ports_for(i, pass))) << "pass " << pass << " key " << i;
      } else {
        ASSERT_TRUE(table.erase(key)) << "key " << i;
      }
      if (++ops % kOpsPerBatch == 0) {
        traffic();
        ASSERT_FALSE(stalled) << "the workers stopped taking frames";
        table.reclaim();
      }
    }
  }
  EXPECT_EQ(table.size(), 0u);

  // Let the workers drain their RX rings (deadline, no sleeps), then stop them.
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  for (;;) {
    collect();
    bool empty = true;
    for (unsigned q = 0; q < layout.rx_queues; ++q) empty = empty && sw.rx_ring_empty("h1", q);
    if (empty && sw.pool_in_use() < 1024) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "workers stopped forwarding";
  }
  // No more injections: stop the workers, then collect what they transmitted last.
  sw.dp().stop();
  collect();

  const dataplane::PortCounters in = sw.dp().port_counters(sw.port("h1"));
  EXPECT_EQ(injected, uint64_t{3} * kKeys / kOpsPerBatch * kFramesPerBatch * layout.rx_queues)
      << "a batch of frames after every batch of writes";
  EXPECT_EQ(in.rx_packets, injected);
  EXPECT_EQ(back_out, 0u) << "never back out of the ingress port";
  // Each frame went to its group's 1-3 ports, or nowhere while its key was absent.
  EXPECT_GT(copies, injected / 4) << "most frames met their key";
  EXPECT_LE(copies, 3 * injected);
  EXPECT_EQ(misdelivered, 0u);
  for (const char* p : {"h2", "h3", "h4"}) {
    const dataplane::PortCounters c = sw.dp().port_counters(sw.port(p));
    EXPECT_EQ(std::accumulate(c.drops.begin(), c.drops.end(), uint64_t{0}), 0u) << p;
  }

  const mft::Stats& s = table.stats();
  EXPECT_EQ(s.inserts, kKeys);
  EXPECT_EQ(s.replaces, kKeys);
  EXPECT_EQ(s.erases, kKeys);
  EXPECT_EQ(s.refused_full + s.refused_backlog + s.alloc_failures, 0u);
  // The workers are offline now: one more reclaim frees everything still pending.
  EXPECT_EQ(table.reclaim(), 0u);
  EXPECT_EQ(s.entries_freed, s.inserts + s.replaces) << "every published entry freed exactly once";

  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
  EXPECT_EQ(sw.pool_in_use(), 0u) << "every injected frame freed";
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Lcores 0-2 on the machine's first two CPUs: two workers forward while lcore 0 writes.
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-stress", "(0-2)@(0-1)"));
  return RUN_ALL_TESTS();
}
