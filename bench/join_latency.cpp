// Join latency: from an IGMP report entering the switch to the first frame of that group it
// forwards to the reporting port, with the source saturating the worker all along.
//
// The host is a ring port: its report takes the whole path (worker RX, classification, policer,
// punt ring, the control loop as the app runs it, the engine, MFT publication) and the worker's
// next frame of the group is transmitted to it. A TX callback on the host's worker queue stamps
// the TSC of that first transmission. The source replays 16 groups in strict rotation, so a
// frame of the joined group follows any instant within 16 frames (a few microseconds at the
// forwarding rate); that wait is part of every sample. Between samples the host leaves (fast
// leave, pruned at once) and the bench waits for the entry to be gone.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <rte_cycles.h>

#include "cases.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "switch_rig.hpp"
#include "traffic.hpp"

namespace mcsnoop::bench {

namespace {

constexpr uint32_t kLatencyGroups = 16;
constexpr uint32_t kLatencyFrames = 4096;
// A sample that takes longer than this is counted as a timeout (and shows in the output).
constexpr double kSampleTimeout = 0.5;
// After the entry is gone: time for frames already buffered on the worker to leave (a worker
// loop iteration is microseconds; this is generous).
constexpr double kAfterLeave = 0.002;
constexpr double kTargetP99Us = 1000;

}  // namespace

bool run_join_latency(const CaseOptions& opts, std::string* err) {
  const std::string pcap = opts.common.workdir + "/mcsnoop-bench-" + std::to_string(getpid()) + ".pcap";
  const uint32_t frames = opts.frames ? std::max(opts.frames, kLatencyGroups) : kLatencyFrames;
  if (!write_frames(pcap, multicast_rotation(GroupSet::Latency, kLatencyGroups, frames), err)) return false;
  RigConfig rc;
  rc.pcap = pcap;
  rc.pcap_frames = frames;
  rc.sinks = 1;
  rc.host = true;
  std::unique_ptr<SwitchRig> rig = SwitchRig::create(rc, err);
  std::remove(pcap.c_str());
  if (!rig) return false;

  if (!rig->start_switch(err)) return false;
  const auto drain = [&] { rig->drain_host(); };
  rig->run_for(opts.common.warmup_ms / 1e3, drain);
  const Snapshot start = rig->snapshot();
  const double t_start = now_seconds();

  const double us_per_cycle = 1e6 / static_cast<double>(rte_get_tsc_hz());
  std::vector<double> samples;
  unsigned timeouts = 0, leave_timeouts = 0;
  const PortId host = rig->host();
  for (unsigned i = 0; i < opts.samples; ++i) {
    const net::IpAddr group = group_address(GroupSet::Latency, i % kLatencyGroups);
    rig->arm_host_probe();
    const uint64_t t0 = rte_rdtsc();
    if (!rig->host_send(igmp_join(group, host))) {
      *err = "the host port's RX ring is full";
      return false;
    }
    const double deadline = now_seconds() + kSampleTimeout;
    while (rig->host_probe_tsc() == 0 && now_seconds() < deadline) {
      rig->control_step();
      rig->drain_host();
    }
    const uint64_t t1 = rig->host_probe_tsc();
    if (t1 == 0) {
      ++timeouts;
    } else {
      samples.push_back(static_cast<double>(t1 - t0) * us_per_cycle);
    }

    rig->host_send(igmp_leave(group, host));
    const mft::Key key(SwitchRig::kVlan, group);
    const double leave_deadline = now_seconds() + kSampleTimeout;
    while (rig->dp().mft().lookup(key) != nullptr && now_seconds() < leave_deadline) {
      rig->control_step();
      rig->drain_host();
    }
    if (rig->dp().mft().lookup(key) != nullptr) ++leave_timeouts;
    rig->run_for(kAfterLeave, drain);
  }
  const Snapshot end = rig->snapshot();
  const double t_end = now_seconds();
  rig->stop_switch();
  rig->drain_host();

  const double source_mpps =
      static_cast<double>(end[SwitchRig::kSource].rx_packets - start[SwitchRig::kSource].rx_packets) /
      (t_end - t_start) / 1e6;
  double mean = 0;
  for (double s : samples) mean += s;
  if (!samples.empty()) mean /= static_cast<double>(samples.size());
  std::printf("# join-latency: %zu samples (%u timeouts, %u leaves not applied in time), source forwarding "
              "at %.3f Mpps meanwhile; %u groups in rotation\n",
              samples.size(), timeouts, leave_timeouts, source_mpps, kLatencyGroups);
  std::printf("#   us: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f\n", percentile(samples, 0),
              percentile(samples, 50), percentile(samples, 90), percentile(samples, 99), percentile(samples, 100),
              mean);
  const double p99 = percentile(samples, 99);
  std::printf("bench join-latency p50_us=%.1f p99_us=%.1f\n", percentile(samples, 50), p99);
  std::printf("#   target p99 < %.0f us: %s\n", kTargetP99Us,
              timeouts == 0 && !samples.empty() && p99 < kTargetP99Us ? "met" : "MISSED");
  std::fflush(stdout);
  return true;
}

}  // namespace mcsnoop::bench
