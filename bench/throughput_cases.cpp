// Forwarding throughput against the io-forward ceiling, interleaved on the same ports.
//
// Each window pair runs io-forward (source -> sink 0 on the worker lcore, queue 0 of each: the
// queues the worker uses) and then the switch, each after an unmeasured warm-up; the control
// loop runs on the main lcore all along, as in the app. The switch figure is the input rate
// it completed: frames delivered to the sinks / fan-out / second. Between the switch's runs
// the worker is stopped, so counters read then are exact: every frame received in a run is
// either delivered to each sink or counted as undelivered.
#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <rte_cycles.h>

#include "cases.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "switch_rig.hpp"
#include "traffic.hpp"

namespace mcsnoop::bench {

namespace {

enum class Traffic : uint8_t { Unicast, Multicast };

struct ThroughputSpec {
  const char* name;
  Traffic traffic;
  uint32_t groups;       // multicast groups (unicast: destination MACs)
  unsigned fanout;       // sinks, every one joined to every group (unicast: 1)
  uint32_t frames;       // default frames in the source pcap
  bool churn;
  double min_ratio;      // the case's own target, 0 = none
  bool unknown_dst;      // unicast: destinations not learned, so every frame floods (to the one sink)
  bool storm;            // storm control on the source, every class, far above the offered rate:
                         // what the check costs when nothing is dropped
  bool punt_load = false;  // reports (refreshes, no MFT change) through the host port's punt path
                           // in every other switch window: the data path with and without them
  uint32_t frame_len = 60;   // bytes without the FCS
  bool replication = false;  // every other switch window replicates by copy instead of by
                             // reference count (TxStage::set_copy_max): the two, interleaved
};

// 8,192 frames keep the source's own working set (one 2 KB mbuf per pcap frame, replayed by
// infinite_rx) inside the last-level cache; 100,000 groups need 100,000 frames, and the
// "-pcap100k" reference case measures 1,000 groups on a source of that size, so the
// 100,000-group scaling is compared at equal source cost.
constexpr uint32_t kSmallPcap = 8192;
constexpr uint32_t kLargePcap = 100000;
// The unicast case's hosts: 1,000 destinations behind sink 0, 1,000 senders behind the source.
constexpr uint32_t kUnicastHosts = 1000;
// Churn: the groups whose membership changes (no traffic is sent to them).
constexpr uint32_t kChurnGroups = 1000;

constexpr ThroughputSpec kSpecs[] = {
    {"l2-unicast", Traffic::Unicast, kUnicastHosts, 1, kSmallPcap, false, 0.6, false, false},
    {"l2-unicast-storm", Traffic::Unicast, kUnicastHosts, 1, kSmallPcap, false, 0, false, true},
    {"l2-unknown-unicast", Traffic::Unicast, kUnicastHosts, 1, kSmallPcap, false, 0, true, false},
    {"l2-unknown-unicast-storm", Traffic::Unicast, kUnicastHosts, 1, kSmallPcap, false, 0, true, true},
    {"mcast-g1-fo1", Traffic::Multicast, 1, 1, kSmallPcap, false, 0, false, false},
    {"mcast-g1000-fo1", Traffic::Multicast, 1000, 1, kSmallPcap, false, 0.55, false, false},
    {"mcast-g100000-fo1", Traffic::Multicast, 100000, 1, kLargePcap, false, 0, false, false},
    {"mcast-g1000-fo1-pcap100k", Traffic::Multicast, 1000, 1, kLargePcap, false, 0, false, false},
    {"mcast-g1000-fo4", Traffic::Multicast, 1000, 4, kSmallPcap, false, 0.3, false, false},
    {"mcast-churn", Traffic::Multicast, 1000, 1, kSmallPcap, true, 0, false, false},
    {"mcast-punt-load", Traffic::Multicast, 1000, 1, kSmallPcap, true, 0, false, false, true},
    // Replication by reference count against plain copies, by frame size on the wire (FCS
    // included; 1518 = a 1500-byte IP packet) and fan-out.
    {"repl-fo2-64", Traffic::Multicast, 1000, 2, kSmallPcap, false, 0, false, false, false, 60, true},
    {"repl-fo2-128", Traffic::Multicast, 1000, 2, kSmallPcap, false, 0, false, false, false, 124, true},
    {"repl-fo2-256", Traffic::Multicast, 1000, 2, kSmallPcap, false, 0, false, false, false, 252, true},
    {"repl-fo2-512", Traffic::Multicast, 1000, 2, kSmallPcap, false, 0, false, false, false, 508, true},
    {"repl-fo2-1518", Traffic::Multicast, 1000, 2, kSmallPcap, false, 0, false, false, false, 1514, true},
    {"repl-fo4-64", Traffic::Multicast, 1000, 4, kSmallPcap, false, 0, false, false, false, 60, true},
    {"repl-fo4-128", Traffic::Multicast, 1000, 4, kSmallPcap, false, 0, false, false, false, 124, true},
    {"repl-fo4-256", Traffic::Multicast, 1000, 4, kSmallPcap, false, 0, false, false, false, 252, true},
    {"repl-fo4-512", Traffic::Multicast, 1000, 4, kSmallPcap, false, 0, false, false, false, 508, true},
    {"repl-fo4-1518", Traffic::Multicast, 1000, 4, kSmallPcap, false, 0, false, false, false, 1514, true},
};
// The storm cases' limit: far above what one lcore forwards, so every frame passes the bucket.
constexpr uint32_t kStormPps = 100'000'000;

const ThroughputSpec* find_spec(const std::string& name) {
  for (const ThroughputSpec& s : kSpecs)
    if (name == s.name) return &s;
  return nullptr;
}

// Sends 10,000 (by default) membership changes per second through the host port's RX path:
// joins of groups the host is not in and leaves (fast leave: pruned at once) of groups it is
// in, sweeping over kChurnGroups groups. With `refresh_only` every message is a report (after
// the first kChurnGroups, each one refreshes a membership: punt, engine, no MFT change). Runs
// only while the switch runs.
class ChurnDriver {
 public:
  ChurnDriver(SwitchRig& rig, double rate, bool refresh_only)
      : rig_(rig), rate_(rate), refresh_only_(refresh_only), joined_(kChurnGroups, false) {}

  // A switch run starts: no credit for the time the switch was stopped.
  void resume() { last_ = now_seconds(); }

  void tick() {
    const double now = now_seconds();
    // A stall of the main thread (the box is shared) is caught up, but at most 0.1 s of it.
    credit_ = std::min(credit_ + (now - last_) * rate_, rate_ / 10);
    last_ = now;
    while (credit_ >= 1) {
      const net::IpAddr g = group_address(GroupSet::Churn, next_);
      const bool join = refresh_only_ || !joined_[next_];
      if (!rig_.host_send(join ? igmp_join(g, rig_.host()) : igmp_leave(g, rig_.host()))) {
        ++refused_;
        break;
      }
      joined_[next_] = join;
      next_ = (next_ + 1) % kChurnGroups;
      credit_ -= 1;
      ++sent_;
    }
    rig_.drain_host();
  }

  uint64_t sent() const { return sent_; }
  uint64_t refused() const { return refused_; }

 private:
  SwitchRig& rig_;
  double rate_;
  bool refresh_only_;
  std::vector<bool> joined_;
  double last_ = 0;
  double credit_ = 0;
  uint32_t next_ = 0;
  uint64_t sent_ = 0;
  uint64_t refused_ = 0;
};

struct Series {
  std::vector<double> io_mpps;
  std::vector<double> sw_mpps;
  std::vector<double> quiet_mpps;    // punt-load: the switch windows without the load
  std::vector<double> staged_mpps;   // the windows run with per-stage cycle accounting on
  dataplane::StageCycles stages;     // summed over those windows (warm-up included)
  dataplane::StageCycles io_stages;  // the same for io-forward (receive and transmit), extra windows
  dataplane::PortCounters measured;  // every port summed, measured windows only
  uint64_t source_rx = 0;            // whole switch runs (warm-up included)
  uint64_t undelivered = 0;          // whole switch runs: sum over sinks of (received - delivered)
  double run_seconds = 0;            // whole switch runs
  double churn_seconds = 0;          // whole switch runs with the churn driver ticking
};

void add_delta(dataplane::PortCounters& into, const Snapshot& a, const Snapshot& b) {
  for (size_t p = 0; p < a.size(); ++p) {
    dataplane::PortCounters d = b[p];
    d.rx_packets -= a[p].rx_packets;
    d.rx_bytes -= a[p].rx_bytes;
    d.tx_packets -= a[p].tx_packets;
    d.tx_bytes -= a[p].tx_bytes;
    d.punted -= a[p].punted;
    d.mcast_lookups -= a[p].mcast_lookups;
    d.mcast_unregistered -= a[p].mcast_unregistered;
    d.flooded -= a[p].flooded;
    for (size_t i = 0; i < d.drops.size(); ++i) d.drops[i] -= a[p].drops[i];
    into += d;
  }
}

uint64_t delivered(const SwitchRig& rig, const Snapshot& a, const Snapshot& b) {
  uint64_t n = 0;
  for (unsigned s = 0; s < rig.sinks(); ++s) n += b[rig.sink(s)].tx_packets - a[rig.sink(s)].tx_packets;
  return n;
}

// Options of one measurement series.
struct MeasurePlan {
  ChurnDriver* churn = nullptr;   // ticked during the switch windows (except the quiet ones)
  bool quiet_windows = false;     // after each loaded switch window, one without the churn
  // When set: called with true before, and false after, one extra switch window after each
  // regular one (its rate goes to quiet_mpps): the alternative setting, interleaved.
  std::function<void(bool)> alternative;
  unsigned staged_windows = 1;    // the first N window pairs add a window with stage cycles on
};

// Adds one run's stage cycles into `into` (sums, and the cheapest bursts).
void add_stages(dataplane::StageCycles& into, const dataplane::StageCycles& run) {
  for (unsigned i = 0; i < dataplane::kStageCount; ++i) {
    into.cycles[i] += run.cycles[i];
    const uint64_t c = run.best[i];
    if (c != 0 && (into.best[i] == 0 || c < into.best[i])) into.best[i] = c;
  }
  into.bursts += run.bursts;
  into.frames += run.frames;
}

// One switch run: warm-up, then a measured window; returns the delivered input rate (Mpps).
// `staged` (may be null) collects per-stage cycles over the whole run. `counted`: add the
// window's counters into out.measured (the profiled windows are extra and left out).
bool switch_window(SwitchRig& rig, const CaseOptions& opts, ChurnDriver* churn,
                   dataplane::StageCycles* staged, bool counted, Series& out, double* mpps, std::string* err) {
  const double warmup = opts.common.warmup_ms / 1e3;
  const double window = opts.common.window_ms / 1e3;
  const std::function<void()> while_switching = [churn] {
    if (churn) churn->tick();
  };
  dataplane::StageCycles cycles;
  rig.dp().worker(0).set_stage_cycles(staged != nullptr ? &cycles : nullptr);
  const Snapshot before = rig.snapshot();
  const double run_start = now_seconds();
  if (!rig.start_switch(err)) return false;
  if (churn) churn->resume();
  rig.run_for(warmup, while_switching);
  const Snapshot a = rig.snapshot();
  const double ta = now_seconds();
  rig.run_for(window, while_switching);
  const Snapshot b = rig.snapshot();
  const double tb = now_seconds();
  rig.stop_switch();
  rig.dp().worker(0).set_stage_cycles(nullptr);
  out.run_seconds += now_seconds() - run_start;
  if (churn) out.churn_seconds += now_seconds() - run_start;
  const Snapshot after = rig.snapshot();

  *mpps = static_cast<double>(delivered(rig, a, b)) / rig.sinks() / (tb - ta) / 1e6;
  if (counted) add_delta(out.measured, a, b);
  const uint64_t in = after[SwitchRig::kSource].rx_packets - before[SwitchRig::kSource].rx_packets;
  out.source_rx += in;
  out.undelivered += in * rig.sinks() - delivered(rig, before, after);
  if (staged != nullptr) add_stages(*staged, cycles);
  return true;
}

// One extra io-forward run (warm-up and window) with its receive and transmit timed per burst,
// added into `into`.
bool io_window(SwitchRig& rig, const CaseOptions& opts, dataplane::StageCycles* into, std::string* err) {
  dataplane::StageCycles cycles;
  if (!rig.start_io_forward(SwitchRig::kSource, rig.sink(0), &cycles)) {
    *err = "cannot launch io-forward on lcore " + std::to_string(kForwardingLcore);
    return false;
  }
  rig.run_for((opts.common.warmup_ms + opts.common.window_ms) / 1e3);
  rig.stop_io_forward();
  add_stages(*into, cycles);
  return true;
}

bool measure(SwitchRig& rig, const CaseOptions& opts, const MeasurePlan& plan, Series& out, std::string* err) {
  const double warmup = opts.common.warmup_ms / 1e3;
  const double window = opts.common.window_ms / 1e3;
  for (unsigned w = 0; w < opts.common.windows; ++w) {
    if (!rig.start_io_forward(SwitchRig::kSource, rig.sink(0))) {
      *err = "cannot launch io-forward on lcore " + std::to_string(kForwardingLcore);
      return false;
    }
    rig.run_for(warmup);
    const uint64_t n0 = rig.io_forwarded();
    const double t0 = now_seconds();
    rig.run_for(window);
    const uint64_t n1 = rig.io_forwarded();
    const double t1 = now_seconds();
    rig.stop_io_forward();
    out.io_mpps.push_back(static_cast<double>(n1 - n0) / (t1 - t0) / 1e6);

    double mpps = 0;
    if (!switch_window(rig, opts, plan.churn, nullptr, true, out, &mpps, err)) return false;
    out.sw_mpps.push_back(mpps);
    if (plan.quiet_windows || plan.alternative) {
      if (plan.alternative) plan.alternative(true);
      const bool ok = switch_window(rig, opts, nullptr, nullptr, false, out, &mpps, err);
      if (plan.alternative) plan.alternative(false);
      if (!ok) return false;
      out.quiet_mpps.push_back(mpps);
    }
    if (w < plan.staged_windows) {
      if (!io_window(rig, opts, &out.io_stages, err)) return false;
      if (!switch_window(rig, opts, plan.churn, &out.stages, false, out, &mpps, err)) return false;
      out.staged_mpps.push_back(mpps);
    }
  }
  return true;
}

// "stage=<cycles per frame> ..." for the bench line, from the profiled windows.
std::string stage_figures(const dataplane::StageCycles& st) {
  std::string out;
  char buf[64];
  const double frames = st.frames ? static_cast<double>(st.frames) : 1.0;
  for (unsigned i = 0; i < dataplane::kStageCount; ++i) {
    std::snprintf(buf, sizeof buf, " %s=%.1f", std::string(dataplane::kStageNames[i]).c_str(),
                  static_cast<double>(st.cycles[i]) / frames);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, " total=%.1f frames_per_burst=%.1f", static_cast<double>(st.total()) / frames,
                st.bursts ? frames / static_cast<double>(st.bursts) : 0.0);
  out += buf;
  return out;
}

// The same from the best full burst of each stage (StageCycles::best), per frame.
std::string best_stage_figures(const dataplane::StageCycles& st) {
  std::string out;
  char buf[64];
  uint64_t sum = 0;
  for (unsigned i = 0; i < dataplane::kStageCount; ++i) {
    sum += st.best[i];
    std::snprintf(buf, sizeof buf, " %s=%.1f", std::string(dataplane::kStageNames[i]).c_str(),
                  static_cast<double>(st.best[i]) / dataplane::kBurstFrames);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, " total=%.1f", static_cast<double>(sum) / dataplane::kBurstFrames);
  return out + buf;
}

// io-forward's cheapest receive and transmit, per frame, and the ratio of its cheapest burst to
// the switch's (the sum of each stage's cheapest): the ratio the medians approach on a quiet box,
// which moves far less with the load than the medians do.
std::string io_best_figures(const dataplane::StageCycles& io, const dataplane::StageCycles& sw) {
  uint64_t io_total = 0, sw_total = 0;
  for (unsigned i = 0; i < dataplane::kStageCount; ++i) {
    io_total += io.best[i];
    sw_total += sw.best[i];
  }
  const auto per_frame = [](uint64_t c) { return static_cast<double>(c) / dataplane::kBurstFrames; };
  char buf[128];
  std::snprintf(buf, sizeof buf, " rx=%.1f tx=%.1f total=%.1f best_ratio=%.3f",
                per_frame(io.best[static_cast<unsigned>(dataplane::Stage::Rx)]),
                per_frame(io.best[static_cast<unsigned>(dataplane::Stage::Tx)]), per_frame(io_total),
                sw_total ? static_cast<double>(io_total) / static_cast<double>(sw_total) : 0.0);
  return buf;
}

// Joins every Traffic group 0..groups-1 on each of the first `fanout` sinks through the punt
// path, then checks that the MFT holds exactly those entries with exactly those ports.
bool join_groups(SwitchRig& rig, uint32_t groups, unsigned fanout, std::string* err) {
  PortMask want;
  for (unsigned s = 0; s < fanout; ++s) {
    want.set(rig.sink(s));
    for (uint32_t g = 0; g < groups; ++g) {
      if (!rig.punt(igmp_join(group_address(GroupSet::Traffic, g), rig.sink(s)), rig.sink(s))) {
        *err = "out of mbufs while sending reports";
        return false;
      }
    }
  }
  rig.settle();
  const mft::Table& mft = rig.dp().mft();
  if (mft.size() != groups) {
    *err = "the MFT holds " + std::to_string(mft.size()) + " entries after " + std::to_string(groups) +
           " groups were joined (engine refused " +
           std::to_string(rig.control().engine().counters().refused_table_full) + ", MFT refused " +
           std::to_string(rig.control().counters().mft_refused) + ")";
    return false;
  }
  for (uint32_t g = 0; g < groups; ++g) {
    const mft::Entry* e = mft.lookup(mft::Key(SwitchRig::kVlan, group_address(GroupSet::Traffic, g)));
    if (e == nullptr || !(e->ports == want)) {
      *err = "group " + std::to_string(g) + " is not forwarded to exactly the joined sinks";
      return false;
    }
  }
  return true;
}

// Teaches the switch the unicast destinations (behind sink 0) through the learn ring.
bool learn_destinations(SwitchRig& rig, uint32_t hosts, std::string* err) {
  for (uint32_t d = 0; d < hosts; ++d) rig.learn(host_mac(2, d), rig.sink(0));
  rig.settle();
  const uint64_t learned = rig.control().counters().macs_learned;
  if (learned != hosts) {
    *err = "the MAC table learned " + std::to_string(learned) + " of " + std::to_string(hosts) + " MACs";
    return false;
  }
  return true;
}

std::string drop_summary(const dataplane::PortCounters& c) {
  std::string out;
  for (size_t i = 0; i < c.drops.size(); ++i) {
    if (c.drops[i] == 0) continue;
    out += ' ';
    out += dataplane::kDropNames[i];
    out += '=';
    out += std::to_string(c.drops[i]);
  }
  return out.empty() ? " none" : out;
}

}  // namespace

bool run_throughput_case(const std::string& name, const CaseOptions& opts, std::string* err) {
  const ThroughputSpec* spec = find_spec(name);
  if (spec == nullptr) {
    *err = "unknown case '" + name + "'";
    return false;
  }
  const uint32_t frames = std::max(opts.frames ? opts.frames : spec->frames, spec->groups);
  const std::string pcap = opts.common.workdir + "/mcsnoop-bench-" + std::to_string(getpid()) + ".pcap";
  const std::vector<Frame> stream = spec->traffic == Traffic::Unicast
                                        ? unicast_stream(kUnicastHosts, spec->groups, frames, 1)
                                        : multicast_stream(spec->groups, frames, 1, spec->frame_len);
  if (!write_frames(pcap, stream, err)) return false;

  RigConfig rc;
  rc.pcap = pcap;
  rc.pcap_frames = frames;
  rc.sinks = spec->fanout;
  rc.host = spec->churn;
  if (spec->storm) rc.source_storm = {kStormPps, kStormPps, kStormPps};
  std::unique_ptr<SwitchRig> rig = SwitchRig::create(rc, err);
  std::remove(pcap.c_str());  // infinite_rx has read it all into mbufs
  if (!rig) return false;

  const bool ready = spec->traffic == Traffic::Unicast
                         ? spec->unknown_dst || learn_destinations(*rig, spec->groups, err)
                         : join_groups(*rig, spec->groups, spec->fanout, err);
  if (!ready) return false;

  std::unique_ptr<ChurnDriver> churn;
  if (spec->churn) churn = std::make_unique<ChurnDriver>(*rig, opts.churn_rate, spec->punt_load);
  const snoop::Counters engine_before = rig->control().engine().counters();
  const mft::Stats mft_before = rig->dp().mft().stats();

  Series s;
  MeasurePlan plan;
  plan.churn = churn.get();
  plan.quiet_windows = spec->punt_load;
  plan.staged_windows = opts.stage_windows;
  if (spec->replication) {
    rig->dp().worker(0).set_copy_max(0);  // regular windows: by reference count
    plan.alternative = [&rig](bool copy) { rig->dp().worker(0).set_copy_max(copy ? UINT32_MAX : 0); };
  }
  if (!measure(*rig, opts, plan, s, err)) return false;

  const double io = median(s.io_mpps);
  const double sw = median(s.sw_mpps);
  const double ratio = io > 0 ? sw / io : 0;
  const std::string state = spec->traffic == Traffic::Unicast
                                ? std::to_string(spec->groups) +
                                      (spec->unknown_dst ? " unknown (flooded)" : " learned") + " destination MACs" +
                                      (spec->storm ? ", storm control on" : "")
                                : std::to_string(spec->groups) + " joined group" + (spec->groups > 1 ? "s" : "");
  std::printf("# %s: %u frames of %u bytes, %s, %u sink%s; windows of %u ms after %u ms warm-up\n", spec->name,
              frames, spec->frame_len + 4, state.c_str(), spec->fanout, spec->fanout > 1 ? "s (every group joined on each)" : "",
              opts.common.window_ms, opts.common.warmup_ms);
  std::printf("#   io-forward Mpps: %s\n#   mcsnoop    Mpps: %s%s\n", figures(s.io_mpps, 3).c_str(),
              figures(s.sw_mpps, 3).c_str(), spec->punt_load ? " (with the punt load)" : "");
  if (spec->punt_load) std::printf("#   mcsnoop    Mpps: %s (without)\n", figures(s.quiet_mpps, 3).c_str());
  if (spec->replication) std::printf("#   mcsnoop    Mpps: %s (replication by copy)\n", figures(s.quiet_mpps, 3).c_str());
  if (!s.staged_mpps.empty()) {
    std::printf("#   mcsnoop    Mpps: %s (stage cycles on)\n", figures(s.staged_mpps, 3).c_str());
    std::printf("stages %s%s staged_mpps=%.3f unstaged_mpps=%.3f tsc_mhz=%.0f\n", spec->name,
                stage_figures(s.stages).c_str(), median(s.staged_mpps), sw, rte_get_tsc_hz() / 1e6);
    std::printf("stages_best %s%s\n", spec->name, best_stage_figures(s.stages).c_str());
    // Not for the cases with host traffic: the cheapest burst of a stage may be one of reports.
    if (!spec->churn) std::printf("io_best %s%s\n", spec->name, io_best_figures(s.io_stages, s.stages).c_str());
  }
  const dataplane::PortCounters& m = s.measured;
  std::printf("#   measured windows: mcast lookups %" PRIu64 ", unregistered %" PRIu64 ", flooded %" PRIu64
              ", punted %" PRIu64 ", drops:%s\n",
              m.mcast_lookups, m.mcast_unregistered, m.flooded, m.punted, drop_summary(m).c_str());
  std::printf("#   switch runs: %" PRIu64 " frames received, %" PRIu64 " copies undelivered\n", s.source_rx,
              s.undelivered);
  if (spec->traffic == Traffic::Unicast) {
    std::printf("#   MACs learned: %" PRIu64 " (destinations via the learn ring, senders from the traffic)\n",
                rig->control().counters().macs_learned);
  }
  if (churn) {
    const snoop::Counters& ec = rig->control().engine().counters();
    const mft::Stats& ms = rig->dp().mft().stats();
    const uint64_t applied = (ms.inserts - mft_before.inserts) + (ms.erases - mft_before.erases);
    std::printf("#   churn: %" PRIu64 " changes sent (%.0f/s of switch run time, %" PRIu64
                " refused by a full host ring), engine saw %" PRIu64 " reports + %" PRIu64
                " leaves, MFT inserts+erases %" PRIu64 " (%.0f/s)\n",
                churn->sent(), static_cast<double>(churn->sent()) / s.churn_seconds, churn->refused(),
                ec.reports - engine_before.reports, ec.leaves - engine_before.leaves, applied,
                static_cast<double>(applied) / s.churn_seconds);
  }

  std::printf("bench %s mpps=%.3f ratio=%.3f", spec->name, sw, ratio);
  if (spec->churn) std::printf(" lost=%" PRIu64, s.undelivered);
  if (spec->punt_load) {
    const double quiet = median(s.quiet_mpps);
    std::printf(" ratio_without_load=%.3f load_vs_without=%.3f", io > 0 ? quiet / io : 0, quiet > 0 ? sw / quiet : 0);
  }
  if (spec->replication) {
    const double copy = median(s.quiet_mpps);
    std::printf(" copy_mpps=%.3f copy_ratio=%.3f copy_vs_refcount=%.3f", copy, io > 0 ? copy / io : 0,
                sw > 0 ? copy / sw : 0);
  }
  std::printf("\n");
  if (spec->min_ratio > 0) {
    std::printf("#   target ratio >= %.2f: %s\n", spec->min_ratio, ratio >= spec->min_ratio ? "met" : "MISSED");
  }
  if (spec->churn) std::printf("#   target lost = 0: %s\n", s.undelivered == 0 ? "met" : "MISSED");
  std::fflush(stdout);
  return true;
}

}  // namespace mcsnoop::bench
