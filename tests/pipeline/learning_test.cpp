// Learning without a flood window (issue 13): once the switch has forwarded a frame from an
// address, no frame to that address is flooded, nor (after a move) sent to the old port,
// whichever worker saw which frame and whatever the control lcore (the MAC table's only writer)
// is doing. Both lcore compositions, two RX queues per port (RSS) served by two RX lcores.
//
// Ports: h1 carries the fresh hosts (and Y, a known host behind the same port), h2 the peer K,
// h3 a bystander that must never see a unicast frame meant for h1 or h2.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mcsnoop/dataplane/dataplane.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::Drop;

constexpr unsigned kIterations = 10'000;

enum class Composition { RunToCompletion, Split };
// How the control lcore behaves while frames are switched.
enum class Control {
  Busy,      // runs between the frames, at a point that changes with the iteration
  Idle,      // never runs until the end (not draining the learn ring)
  RingFull,  // the learn ring is topped up to two free entries before every iteration
};

std::string name_of(Composition c) { return c == Composition::Split ? "split" : "rtc"; }

HarnessLayout layout_for(Composition c) {
  HarnessLayout l;
  if (c == Composition::Split) {
    l.lcores = {.rx = {1, 2}, .tx = {3}};
  } else {
    l.lcores = {.workers = {1, 2}};
  }
  l.rx_queues = 2;
  l.tx_queues = 3;
  l.mac_table_size = 4 * kIterations;  // every fresh host fits: a full table floods by design
  return l;
}

std::vector<HarnessPort> three_ports() { return {{.name = "h1"}, {.name = "h2"}, {.name = "h3"}}; }

// Fresh host i: locally administered unicast, unique per i.
net::MacAddr fresh(unsigned i, uint8_t series = 0x10) {
  return net::MacAddr{{0x02, series, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                       static_cast<uint8_t>(i), 0x01}};
}

const net::MacAddr kPeer = mac(0xb0);     // on h2
const net::MacAddr kNeighbour = mac(0xb1);  // on h1, next to the fresh hosts
const net::MacAddr kFiller = mac(0xf0);   // learn events that keep the ring full

uint64_t total_flooded(SwitchHarness& sw) {
  uint64_t n = 0;
  for (PortId p = 0; p < sw.dp().port_count(); ++p) n += sw.dp().port_counters(p).flooded;
  return n;
}
uint64_t total_drops(SwitchHarness& sw, Drop d) {
  uint64_t n = 0;
  for (PortId p = 0; p < sw.dp().port_count(); ++p) n += sw.dp().port_counters(p).drops[static_cast<size_t>(d)];
  return n;
}

void drain_control(SwitchHarness& sw) {
  while (sw.poll_control() != 0) {}
}

// Teaches the switch K (h2) and Y (h1) on both queues and publishes them.
void learn_neighbours(SwitchHarness& sw) {
  for (unsigned q = 0; q < 2; ++q) {
    sw.inject("h2", eth_frame(kPeer, net::MacAddr::broadcast()), q);
    sw.inject("h1", eth_frame(kNeighbour, net::MacAddr::broadcast()), q);
  }
  sw.step();
  sw.drain_all();
  ASSERT_EQ(sw.dp().macs().size(), 2u);
}

// Keeps the learn ring at two free entries with events the control lcore applies as refreshes.
void fill_learn_ring(SwitchHarness& sw) {
  rte_ring* r = sw.dp().learn_ring();
  dataplane::LearnEvent ev{};
  std::memcpy(ev.mac, kFiller.b.data(), 6);
  ev.vlan = 1;
  ev.port = sw.port("h3");
  while (rte_ring_free_count(r) > 2) ASSERT_EQ(rte_ring_enqueue_elem(r, &ev, sizeof(ev)), 0);
}

struct Tally {
  unsigned to_h1 = 0, to_h2 = 0, to_h3 = 0;
};

void collect(SwitchHarness& sw, Tally& t) {
  t.to_h1 += static_cast<unsigned>(sw.capture("h1").size());
  t.to_h2 += static_cast<unsigned>(sw.capture("h2").size());
  t.to_h3 += static_cast<unsigned>(sw.capture("h3").size());
}

void run_fresh_hosts(Composition comp, Control control) {
  SwitchHarness sw(three_ports(), {{.id = 1}}, std::chrono::seconds(300), layout_for(comp));
  learn_neighbours(sw);
  const uint64_t flooded_before = total_flooded(sw);
  Tally t;
  for (unsigned i = 0; i < kIterations; ++i) {
    if (control == Control::RingFull) {
      fill_learn_ring(sw);
      if (::testing::Test::HasFatalFailure()) return;
    }
    const net::MacAddr x = fresh(i);
    // Queues (so RX lcores) vary independently for the three steps.
    const unsigned qa = i & 1, qb = (i >> 1) & 1, qc = (i >> 2) & 1;
    // 1. X's first frame (to K) and, in the same burst, a frame to X from its neighbour Y on the
    //    same port: the latter stays on h1's side (X is behind the ingress port).
    sw.inject("h1", eth_frame(x, kPeer), qa);
    sw.inject("h1", eth_frame(kNeighbour, x), qa);
    sw.poll_data_path();
    if (control == Control::Busy && i % 3 == 0) sw.poll_control();
    // 2. The next burst: K answers X, on either RX lcore.
    sw.inject("h2", eth_frame(kPeer, x), qb);
    sw.poll_data_path();
    if (control != Control::Idle && i % 3 == 1) sw.poll_control();
    // 3. A later burst, after the control lcore may have applied X.
    sw.inject("h2", eth_frame(kPeer, x), qc);
    sw.poll_data_path();
    if (control != Control::Idle && i % 3 == 2) sw.poll_control();
    if (i % 64 == 63) collect(sw, t);
  }
  collect(sw, t);
  EXPECT_EQ(t.to_h3, 0u) << "unicast frames leaked to the bystander";
  EXPECT_EQ(t.to_h1, 2 * kIterations) << "every frame to a fresh host reaches it, once";
  EXPECT_EQ(t.to_h2, kIterations);
  EXPECT_EQ(total_flooded(sw) - flooded_before, 0u);
  EXPECT_EQ(total_drops(sw, Drop::LearnRingFull), 0u);

  // Everything the control lcore applies retires its stand-in record: none is left behind.
  drain_control(sw);
  EXPECT_EQ(sw.dp().macs().size(), 2u + kIterations + (control == Control::RingFull ? 1u : 0u));
  EXPECT_EQ(sw.dp().pending_macs().live(), 0u);
  EXPECT_EQ(sw.dp().pending_macs().moves_live(), 0);
}

class FreshHosts : public ::testing::TestWithParam<Composition> {};

TEST_P(FreshHosts, NeverFloodedWhileTheControlLcoreRuns) { run_fresh_hosts(GetParam(), Control::Busy); }
TEST_P(FreshHosts, NeverFloodedWhileTheControlLcoreIsIdle) { run_fresh_hosts(GetParam(), Control::Idle); }
TEST_P(FreshHosts, NeverFloodedWithTheLearnRingNearlyFull) { run_fresh_hosts(GetParam(), Control::RingFull); }

// A host moves from h1 to h3 and back while the control lcore is idle; after each move has been
// forwarded from the new port, frames to it go there only. Then the control lcore applies
// everything and the table agrees.
void run_moves(Composition comp) {
  SwitchHarness sw(three_ports(), {{.id = 1}}, std::chrono::seconds(300), layout_for(comp));
  learn_neighbours(sw);
  constexpr unsigned kHosts = 1000;
  Tally wrong;
  auto expect_only = [&](const char* where, const std::string& port, unsigned i, const char* step) {
    for (const char* p : {"h1", "h2", "h3"}) {
      const size_t n = sw.capture(p).size();
      const size_t want = p == port ? 1 : 0;
      EXPECT_EQ(n, want) << step << " host " << i << " port " << p << " (" << where << ")";
      if (n != want) ++wrong.to_h3;
    }
  };
  for (unsigned i = 0; i < kHosts && wrong.to_h3 < 10; ++i) {
    const net::MacAddr x = fresh(i, 0x20);
    const unsigned qa = i & 1, qb = (i >> 1) & 1;
    // Known on h1 and published; both RX lcores have settled it there.
    for (unsigned q = 0; q < 2; ++q) sw.inject("h1", eth_frame(x, kPeer), q);
    sw.poll_data_path();
    drain_control(sw);
    sw.capture("h2");
    for (unsigned q = 0; q < 2; ++q) {
      sw.inject("h2", eth_frame(kPeer, x), q);
      sw.poll_data_path();
      expect_only("published", "h1", i, "before the move");
    }
    // Moves to h3: its first frame from there is forwarded...
    sw.inject("h3", eth_frame(x, kPeer), qa);
    sw.poll_data_path();
    expect_only("-", "h2", i, "first frame from h3");
    // ...so frames to it, on either RX lcore, go to h3 and not to h1.
    for (unsigned q = 0; q < 2; ++q) {
      sw.inject("h2", eth_frame(kPeer, x), q ^ qb);
      sw.poll_data_path();
      expect_only("control idle", "h3", i, "after the move");
    }
    // And back to h1 before the control lcore has applied the first move (the RX lcore that
    // settled it on h1 may be the one that sees it return).
    sw.inject("h1", eth_frame(x, kPeer), qb);
    sw.poll_data_path();
    expect_only("-", "h2", i, "first frame back on h1");
    for (unsigned q = 0; q < 2; ++q) {
      sw.inject("h2", eth_frame(kPeer, x), q ^ qa);
      sw.poll_data_path();
      expect_only("control idle", "h1", i, "after the move back");
    }
    // The control lcore applies the moves, one event at a time on odd hosts, interleaved with
    // frames to the host: no answer in between may be the stale port.
    if (i & 1) {
      while (sw.poll_control() != 0) {
        sw.inject("h2", eth_frame(kPeer, x), qa);
        sw.poll_data_path();
        expect_only("while applying", "h1", i, "control draining");
      }
    } else {
      drain_control(sw);
    }
    sw.inject("h2", eth_frame(kPeer, x), qb);
    sw.poll_data_path();
    expect_only("applied", "h1", i, "after the control lcore caught up");
  }
  EXPECT_EQ(total_drops(sw, Drop::LearnRingFull), 0u);
  drain_control(sw);
  EXPECT_EQ(sw.dp().pending_macs().live(), 0u);
  EXPECT_EQ(sw.dp().pending_macs().moves_live(), 0);
  EXPECT_EQ(sw.dp().macs().size(), 2u + kHosts);
}

TEST_P(FreshHosts, MovedHostIsNeverSentToItsOldPort) { run_moves(GetParam()); }

// The same on real lcores: the RX lcores run concurrently with each other and (on odd hosts)
// with the control lcore applying and retiring, so the memory ordering is exercised for real.
// Each frame to X is sent only once the frame from X has come out of the switch.
TEST_P(FreshHosts, LaunchedLcoresNeverFloodAFreshHost) {
  SwitchHarness sw(three_ports(), {{.id = 1}}, std::chrono::seconds(300), layout_for(GetParam()));
  learn_neighbours(sw);
  std::string err;
  ASSERT_TRUE(sw.launch(&err)) << err;
  constexpr unsigned kHosts = 100;  // the lcores share two CPUs with the test: each wait is slow
  size_t to_h3 = 0;
  bool timed_out = false;
  // Waits until `port` has transmitted one frame; on odd hosts the control loop runs meanwhile.
  auto await_one = [&](const char* port, unsigned i) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    size_t got = 0;
    while (got == 0 && !timed_out) {
      if (i & 1) sw.control().poll_once(sw.dp().clock().now_ms());
      got += sw.capture(port).size();
      to_h3 += sw.capture("h3").size();
      timed_out = std::chrono::steady_clock::now() > deadline;
    }
    EXPECT_EQ(got, 1u) << "host " << i << " at " << port;
  };
  for (unsigned i = 0; i < kHosts && !timed_out && to_h3 == 0; ++i) {
    const net::MacAddr x = fresh(i, 0x30);
    sw.inject("h1", eth_frame(x, kPeer), i & 1);
    await_one("h2", i);
    sw.inject("h2", eth_frame(kPeer, x), (i >> 1) & 1);
    await_one("h1", i);
  }
  sw.dp().stop();
  to_h3 += sw.capture("h3").size();
  EXPECT_FALSE(timed_out);
  EXPECT_EQ(to_h3, 0u) << "frames to a host the switch had forwarded from were flooded";
  EXPECT_EQ(total_drops(sw, Drop::LearnRingFull), 0u);
}

INSTANTIATE_TEST_SUITE_P(Compositions, FreshHosts,
                         ::testing::Values(Composition::RunToCompletion, Composition::Split),
                         [](const auto& info) { return name_of(info.param); });

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-learn", "(0-3)@(0-1)"));
  return RUN_ALL_TESTS();
}
