// l2-learn: learning keeps up with the wire, with no flood window (issue 13).
//
// The source offers, for host after host, one frame FROM a host the switch has never seen
// (to a peer behind sink 0) followed by kFollowers frames TO that host (from a neighbour on the
// same source port, so the switch must filter them: the host is behind the port they came in
// on). A frame to a host whose learning has not been published yet would be flooded to the
// sinks; the case counts those (the switch's `flooded` counter) and must see none.
//
// Ever-new hosts: the pcap holds kHosts hosts; an RX callback on the source queue (run inside
// rx_burst by the worker lcore, for io-forward and the switch alike) writes the pass number into
// bytes 2-3 of the host address, so every replay of the pcap brings kHosts new addresses. The
// bench's main lcore, which is also the control lcore, erases the hosts of passes that are over
// (the switch would age them out), so the MAC table never fills.
//
// Figures: the input rate the switch completed (every frame taken in and either forwarded or
// filtered) against io-forward on the same ports, the new addresses per second the control
// lcore learned, and the frames flooded (target 0).
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <unistd.h>

#include "cases.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/net/build.hpp"
#include "switch_rig.hpp"
#include "traffic.hpp"

namespace mcsnoop::bench {

namespace {

constexpr uint32_t kHosts = 4096;      // new hosts per pass of the pcap (at most 65,536)
constexpr uint32_t kFollowers = 3;     // frames to each host after its first frame
constexpr uint32_t kPassFrames = kHosts * (1 + kFollowers);
constexpr uint8_t kRole = 4;          // host_mac role of the ever-new hosts
// Passes of hosts left in the MAC table behind the current one. With the current pass that is
// 7 x 4,096 = 28,672 addresses on the source port, below its fair-share limit of 32,768 (half the
// 65,536-entry table): at 8 the port reached its limit and new hosts were flooded, not learned.
constexpr uint32_t kPassesKept = 6;
constexpr size_t kEthernetPayload = 46;

// Host i of pass `pass`: 02:04:pp:pp:ii:ii.
net::MacAddr fresh_host(uint32_t pass, uint32_t i) {
  return net::MacAddr{{0x02, kRole, static_cast<uint8_t>(pass >> 8), static_cast<uint8_t>(pass),
                       static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)}};
}

std::vector<Frame> learning_stream() {
  std::vector<Frame> out;
  out.reserve(kPassFrames);
  const net::MacAddr peer = host_mac(2, 0);       // behind sink 0, learned beforehand
  const net::MacAddr neighbour = host_mac(1, 0);  // on the source port
  for (uint32_t i = 0; i < kHosts; ++i) {
    net::EthernetFrame f;
    f.payload_len = kEthernetPayload;
    f.dst = peer;
    out.push_back(net::build(f, net::FrameOptions{.src_mac = fresh_host(0, i)}));
    f.dst = fresh_host(0, i);
    for (uint32_t k = 0; k < kFollowers; ++k) out.push_back(net::build(f, net::FrameOptions{.src_mac = neighbour}));
  }
  return out;
}

// Written by the RX callback on the forwarding lcore, read by the main lcore. A pass (one set of
// kHosts addresses) lasts `replays` replays of the pcap: its hosts are new in the first one and
// known in the others, which sets the rate of new addresses offered.
struct PassCounter {
  std::atomic<uint64_t> frames{0};
  std::atomic<uint32_t> replays{1};
  uint64_t base = 0;  // frames before the current setting of `replays`
  uint32_t first_pass = 0;
  uint32_t pass() const { return pass_of(frames.load(std::memory_order_relaxed)); }
  uint32_t pass_of(uint64_t seen) const {
    return first_pass + static_cast<uint32_t>((seen - base) / (uint64_t{kPassFrames} * replays.load(std::memory_order_relaxed)));
  }
};

// Stamps the pass number into the new host's address: the source address of a host's first
// frame, the destination of its followers. infinite_rx replays the pcap in order, so the frame
// count says where in the pass each frame is.
uint16_t stamp_pass(uint16_t, uint16_t, rte_mbuf** pkts, uint16_t n, uint16_t, void* arg) {
  auto* pc = static_cast<PassCounter*>(arg);
  uint64_t seen = pc->frames.load(std::memory_order_relaxed);
  for (uint16_t i = 0; i < n; ++i, ++seen) {
    const auto pass = static_cast<uint16_t>(pc->pass_of(seen));
    auto* eth = rte_pktmbuf_mtod(pkts[i], uint8_t*);
    uint8_t* host = (seen % kPassFrames) % (1 + kFollowers) == 0 ? eth + 6 : eth;
    host[2] = static_cast<uint8_t>(pass >> 8);
    host[3] = static_cast<uint8_t>(pass);
  }
  pc->frames.store(seen, std::memory_order_relaxed);
  return n;
}

// On the control (main) lcore: erases the hosts of passes the source has left behind, a bounded
// number per call so the control loop keeps running.
class Retirer {
 public:
  Retirer(SwitchRig& rig, const PassCounter& pc) : rig_(rig), pc_(pc) {}
  // Before a switch window: forget every host the source port holds (the hosts of earlier
  // windows, and the events of them still queued) and start retiring from the current pass.
  // The passes offered during io-forward windows were never learned, and erasing them one by
  // one left the retirer so far behind that the source port reached its address limit.
  void restart() {
    rig_.settle();
    rig_.dp().macs().flush_port(SwitchRig::kSource);
    next_pass_ = pc_.pass();
    next_host_ = 0;
  }
  void tick() {
    const uint32_t current = pc_.pass();
    unsigned budget = 2048;
    // The control lcore may still be applying events of the last few passes (the learn ring
    // holds four passes); erasing a host before its event is applied would leave it behind.
    while (budget > 0 && next_pass_ + kPassesKept < current) {
      rig_.dp().macs().erase(l2::MacKey(fresh_host(next_pass_, next_host_).b, SwitchRig::kVlan));
      --budget;
      if (++next_host_ == kHosts) {
        next_host_ = 0;
        ++next_pass_;
      }
    }
  }

 private:
  SwitchRig& rig_;
  const PassCounter& pc_;
  uint32_t next_pass_ = 0;
  uint32_t next_host_ = 0;
};

struct Setting {
  std::vector<double> io_mpps, sw_mpps, macs_per_s;
  uint64_t flooded = 0, pending_full = 0, ring_full = 0;
};

uint64_t drops(const dataplane::PortCounters& c, dataplane::Drop d) { return c.drops[static_cast<size_t>(d)]; }

// Interleaved io-forward and switch windows, as in the throughput cases; the switch figure is
// the input rate it completed (forwarded or filtered).
bool measure_setting(SwitchRig& rig, const CaseOptions& opts, Retirer& retirer, Setting& out, std::string* err) {
  const std::function<void()> each = [&retirer] { retirer.tick(); };
  const double warmup = opts.common.warmup_ms / 1e3;
  const double window = opts.common.window_ms / 1e3;
  for (unsigned w = 0; w < opts.common.windows; ++w) {
    if (!rig.start_io_forward(SwitchRig::kSource, rig.sink(0))) {
      *err = "cannot launch io-forward";
      return false;
    }
    rig.run_for(warmup, each);
    const uint64_t n0 = rig.io_forwarded();
    const double t0 = now_seconds();
    rig.run_for(window, each);
    const uint64_t n1 = rig.io_forwarded();
    const double t1 = now_seconds();
    rig.stop_io_forward();
    out.io_mpps.push_back(static_cast<double>(n1 - n0) / (t1 - t0) / 1e6);

    retirer.restart();
    if (!rig.start_switch(err)) return false;
    rig.run_for(warmup, each);
    const Snapshot a = rig.snapshot();
    const uint64_t learned_a = rig.control().counters().macs_learned;
    const double ta = now_seconds();
    rig.run_for(window, each);
    const Snapshot b = rig.snapshot();
    const uint64_t learned_b = rig.control().counters().macs_learned;
    const double tb = now_seconds();
    rig.stop_switch();
    const uint64_t in = b[SwitchRig::kSource].rx_packets - a[SwitchRig::kSource].rx_packets;
    out.sw_mpps.push_back(static_cast<double>(in) / (tb - ta) / 1e6);
    out.macs_per_s.push_back(static_cast<double>(learned_b - learned_a) / (tb - ta));
    for (size_t p = 0; p < a.size(); ++p) {
      out.flooded += b[p].flooded - a[p].flooded;
      out.pending_full += drops(b[p], dataplane::Drop::LearnPendingFull) - drops(a[p], dataplane::Drop::LearnPendingFull);
      out.ring_full += drops(b[p], dataplane::Drop::LearnRingFull) - drops(a[p], dataplane::Drop::LearnRingFull);
    }
  }
  return true;
}

}  // namespace

bool run_learning_case(const CaseOptions& opts, std::string* err) {
  const std::string pcap = opts.common.workdir + "/mcsnoop-bench-learn-" + std::to_string(getpid()) + ".pcap";
  if (!write_frames(pcap, learning_stream(), err)) return false;
  PassCounter passes;  // outlives the rig, whose source port calls stamp_pass
  RigConfig rc;
  rc.pcap = pcap;
  rc.pcap_frames = kPassFrames;
  std::unique_ptr<SwitchRig> rig = SwitchRig::create(rc, err);
  std::remove(pcap.c_str());
  if (!rig) return false;
  rig->learn(host_mac(2, 0), rig->sink(0));
  rig->settle();
  if (rte_eth_add_rx_callback(rig->dp().port_info(SwitchRig::kSource).dpdk_port, 0, stamp_pass, &passes) == nullptr) {
    *err = "cannot add the RX callback on the source port";
    return false;
  }
  Retirer retirer(*rig, passes);
  std::printf("# l2-learn: %u new hosts per pass, each 1 frame from it then %u to it (filtered: same port); "
              "windows of %u ms after %u ms warm-up\n",
              kHosts, kFollowers, opts.common.window_ms, opts.common.warmup_ms);
  // From every replay bringing new hosts down to one in 64: the best setting is the one that
  // learns the most addresses per second with no frame flooded.
  double best_rate = 0, best_ratio = 0, best_mpps = 0;
  for (uint32_t replays = 1; replays <= 64; replays *= 2) {
    // Stopped lcores: the callback is idle, so the counter can be rebased.
    const uint32_t current = passes.pass();
    passes.base = passes.frames.load();
    passes.first_pass = current + 2;
    passes.replays.store(replays);
    Setting r;
    if (!measure_setting(*rig, opts, retirer, r, err)) return false;
    const double io = median(r.io_mpps), sw = median(r.sw_mpps), rate = median(r.macs_per_s);
    const double ratio = io > 0 ? sw / io : 0;
    std::printf("#   new hosts every %2u replay%s: io-forward Mpps %s | mcsnoop Mpps %s | ratio %.3f | new MACs/s %s | "
                "flooded %" PRIu64 ", learn_pending_full %" PRIu64 ", learn_ring_full %" PRIu64 "\n",
                replays, replays > 1 ? "s" : " ", figures(r.io_mpps, 2).c_str(), figures(r.sw_mpps, 2).c_str(), ratio,
                figures(r.macs_per_s, 0).c_str(), r.flooded, r.pending_full, r.ring_full);
    std::fflush(stdout);
    if (r.flooded == 0 && rate > best_rate) {
      best_rate = rate;
      best_ratio = ratio;
      best_mpps = sw;
    }
  }
  std::printf("#   MAC table refusals (full): %" PRIu64 "\n", rig->control().counters().mac_table_full);
  std::printf("bench l2-learn mpps=%.3f ratio=%.3f new_macs_per_s=%.0f flooded=%d\n", best_mpps, best_ratio, best_rate,
              best_rate > 0 ? 0 : 1);
  std::printf("#   (the setting with the most new MACs learned per second and no frame flooded)\n");
  std::fflush(stdout);
  return true;
}

}  // namespace mcsnoop::bench
