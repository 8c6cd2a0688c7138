// `clear counters`: what the show views subtract. The counters themselves never go back
// (the workers own theirs, and the metrics endpoint and the limit log need them monotonic,
// as Prometheus counters are); clearing records their values, and `show ports`/`show stats`
// print the difference.
//
// Thread safety: none; the control lcore owns it.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/port_status.hpp"
#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

// a - b, field by field, for a struct made of uint64_t counters only (no padding).
template <typename T>
T counters_minus(const T& a, const T& b) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) % sizeof(uint64_t) == 0 &&
                    std::has_unique_object_representations_v<T>,
                "only structs of uint64_t counters");
  std::array<uint64_t, sizeof(T) / sizeof(uint64_t)> x, y;
  std::memcpy(x.data(), &a, sizeof(T));
  std::memcpy(y.data(), &b, sizeof(T));
  for (size_t i = 0; i < x.size(); ++i) x[i] -= y[i];
  T out = a;
  std::memcpy(static_cast<void*>(&out), x.data(), sizeof(T));  // T is trivially copyable
  return out;
}

// The data plane's per-port counters (aligned, so with padding): the fields one by one.
inline dataplane::PortCounters counters_minus(const dataplane::PortCounters& a, const dataplane::PortCounters& b) {
  dataplane::PortCounters d;
  d.rx_packets = a.rx_packets - b.rx_packets;
  d.rx_bytes = a.rx_bytes - b.rx_bytes;
  d.tx_packets = a.tx_packets - b.tx_packets;
  d.tx_bytes = a.tx_bytes - b.tx_bytes;
  d.punted = a.punted - b.punted;
  d.mcast_lookups = a.mcast_lookups - b.mcast_lookups;
  d.mcast_unregistered = a.mcast_unregistered - b.mcast_unregistered;
  d.flooded = a.flooded - b.flooded;
  for (size_t i = 0; i < d.drops.size(); ++i) d.drops[i] = a.drops[i] - b.drops[i];
  return d;
}

struct PortBaseline {
  dataplane::PortCounters dp;
  dataplane::NicStats nic;
  snoop::PortCounters engine;
  snoop::MsgCounters rx, tx;
  uint64_t refused_groups = 0, refused_sources = 0;
  uint64_t macs_refused = 0;
};

struct CounterBaseline {
  std::array<PortBaseline, kMaxPorts> ports{};
  snoop::Counters engine;
  // Counters kept outside the engine, the data plane and ControlCounters.
  uint64_t mft_refused_full = 0, mft_refused_backlog = 0;
  uint64_t mac_refused_port_limit = 0, mac_flaps = 0, guard_shutdowns = 0;
  uint64_t state_log_suppressed = 0;
  uint64_t cleared_at_ms = 0;  // 0: never cleared
};

}  // namespace mcsnoop::control
