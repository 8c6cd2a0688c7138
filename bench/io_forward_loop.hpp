// The I/O ceiling of the box: receive a burst on one port, transmit it unchanged on another,
// nothing in between. Every mcsnoop figure is read as a fraction of what this loop does on the
// same devices, with the same burst size, on the same lcore.
//
// Thread safety: the loop runs on one lcore; `stop` and the counters are atomics that the
// launching thread reads and writes while it runs.
#pragma once

#include <atomic>
#include <cstdint>

#include "mcsnoop/dataplane/stage_cycles.hpp"

namespace mcsnoop::bench {

// Burst size of every RX and TX call, the same as the switch's (dataplane::kBurst).
inline constexpr uint16_t kIoBurst = 32;

struct IoForwardTask {
  uint16_t rx_port = 0;
  uint16_t rx_queue = 0;
  uint16_t tx_port = 0;
  uint16_t tx_queue = 0;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> forwarded{0};   // frames the TX queue accepted
  std::atomic<uint64_t> refused{0};     // frames the TX queue refused (freed)
  // When set (before the launch): the loop charges each burst's receive to Stage::Rx and its
  // transmit to Stage::Tx, as the switch's worker does, so the cheapest bursts of both can be
  // compared stage by stage. The rate of such a window is not a ceiling (two TSC reads a burst).
  dataplane::StageCycles* stages = nullptr;
};

// lcore entry point (rte_lcore_function_t): loops until task->stop is set. Returns 0.
int io_forward_main(void* task);

// Launches the loop on `lcore` (idle, not the caller's). False when the lcore cannot be used.
bool start_io_forward(IoForwardTask& task, unsigned lcore);
// Sets task.stop and waits for the lcore to return.
void stop_io_forward(IoForwardTask& task, unsigned lcore);

}  // namespace mcsnoop::bench
