// DPDK telemetry commands of the switch: /mcsnoop/stats, /mcsnoop/ports and /mcsnoop/groups,
// shown by dpdk-telemetry.py next to the EAL's /ethdev/... commands (docs/operations.md).
//
// Threads: DPDK runs telemetry callbacks on its own telemetry thread, which must never touch
// the engine or the tables. The control lcore publishes a SwitchSnapshot now and then
// (TelemetryPublisher::publish, about once a second); the callbacks render the last one
// published. The snapshot is immutable once published and shared by pointer: the board's
// mutex guards only that pointer. The control lcore never waits for it (try_lock: when the
// telemetry thread holds it, this publication is skipped and the next one goes through); the
// telemetry thread holds it for a pointer copy.
#pragma once

#include <memory>

#include "mcsnoop/control/switch_snapshot.hpp"

namespace mcsnoop::control {

class TelemetryPublisher {
 public:
  // Registers the commands with DPDK (once per process; DPDK cannot unregister them).
  TelemetryPublisher();
  // Withdraws this publisher's snapshot: the commands answer "not ready" until another
  // publisher publishes. May wait for the telemetry thread's pointer copy.
  ~TelemetryPublisher();
  TelemetryPublisher(const TelemetryPublisher&) = delete;
  TelemetryPublisher& operator=(const TelemetryPublisher&) = delete;

  // Control lcore: makes `snap` the one the commands show. Never blocks; false when skipped.
  bool publish(std::shared_ptr<const SwitchSnapshot> snap);
};

// The snapshot the commands show now (null before the first publication). Any thread.
std::shared_ptr<const SwitchSnapshot> published_snapshot();

}  // namespace mcsnoop::control
