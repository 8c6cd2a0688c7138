// Where a worker's time goes, stage by stage: TSC cycles per burst, never per frame.
//
// A StageClock is a stopwatch a worker runs through one burst: start() at the burst's first
// stage, lap(stage) at the end of each stage charges the cycles since the previous mark to that
// stage. It is off unless the worker was given a StageCycles to fill (Worker::set_stage_cycles),
// and off costs one predictable branch per stage per burst (no TSC read; its measured cost is in
// docs/performance.md, "Per-stage cycles").
//
// Thread safety: a StageCycles is written only by the worker it was given to; read it while that
// worker is stopped.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <rte_cycles.h>

namespace mcsnoop::dataplane {

// The worker's stages in the order a burst goes through them (docs/architecture.md).
enum class Stage : uint8_t {
  Rx,        // rte_eth_rx_burst (the PMD), non-empty polls only
  Classify,  // parse each frame once (net::classify_frame), priority tags removed
  Ingress,   // VLAN ingress, bridge protection, learning keys, dispatch by class (keys, punt, flood)
  Lookup,    // MFT bulk lookups ((S,G) then (*,G)) and the MAC table bulk lookup
  Learn,     // source learning and destination resolution against pending records
  Deliver,   // egress decision and replication into the per-port TX buffers (or the handoff ring)
  Punt,      // control frames onto the punt ring
  Tx,        // flushing the TX buffers (rte_eth_tx_burst) and the inject ring
  kCount
};
inline constexpr unsigned kStageCount = static_cast<unsigned>(Stage::kCount);

inline constexpr std::array<std::string_view, kStageCount> kStageNames = {
    "rx", "classify", "ingress", "lookup", "learn", "deliver", "punt", "tx"};
static_assert(kStageNames.size() == kStageCount && !kStageNames.back().empty(),
              "one name per Stage");

struct StageCycles {
  std::array<uint64_t, kStageCount> cycles{};  // summed over every burst
  // The fewest cycles one full burst (kBurstFrames frames) spent in each stage: what the stage
  // costs when nothing else ran on the core meanwhile (a shared machine preempts the worker in
  // the middle of random stages, which inflates the sums but rarely the minimum).
  std::array<uint64_t, kStageCount> best{};
  uint64_t bursts = 0;   // non-empty bursts received
  uint64_t frames = 0;   // frames received in them

  uint64_t total() const {
    uint64_t t = 0;
    for (uint64_t c : cycles) t += c;
    return t;
  }
};

// Frames in a full burst, the ones StageCycles::best considers.
inline constexpr unsigned kBurstFrames = 32;

class StageClock {
 public:
  explicit StageClock(StageCycles* into) : into_(into) {
    if (into_ != nullptr) [[unlikely]] last_ = rte_rdtsc();
  }
  bool on() const { return into_ != nullptr; }
  // Charges the cycles since the previous mark to `s`.
  void lap(Stage s) {
    if (into_ == nullptr) [[likely]] return;
    const uint64_t now = rte_rdtsc();
    laps_[static_cast<unsigned>(s)] += now - last_;
    last_ = now;
  }
  // The burst of `frames` frames is done: adds its laps to the totals (and to the minimums when
  // the burst was full). `received`: false for the laps of a poll's transmit (Stage::Tx), whose
  // frames were counted with their bursts.
  void commit(unsigned frames, bool received = true) {
    if (into_ == nullptr) [[likely]] return;
    if (received) {
      ++into_->bursts;
      into_->frames += frames;
    }
    for (unsigned s = 0; s < kStageCount; ++s) {
      into_->cycles[s] += laps_[s];
      if (frames == kBurstFrames && laps_[s] != 0 && (into_->best[s] == 0 || laps_[s] < into_->best[s]))
        into_->best[s] = laps_[s];
    }
  }

 private:
  StageCycles* into_;
  uint64_t last_ = 0;
  std::array<uint64_t, kStageCount> laps_{};
};

}  // namespace mcsnoop::dataplane
