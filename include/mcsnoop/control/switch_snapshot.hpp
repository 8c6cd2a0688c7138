// Everything the metrics endpoint and the DPDK telemetry commands report, copied out of the
// switch in one go by the control lcore (ControlPlane::snapshot).
//
// Plain data: a snapshot may be handed to another thread (the telemetry thread reads the one
// the control lcore last published) and rendered there; it never points into live state.
// write_prometheus() turns one into the text exposition format.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/mgmt/control_server.hpp"
#include "mcsnoop/mgmt/http_server.hpp"
#include "mcsnoop/mgmt/metrics_text.hpp"
#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

struct ControlCounters;

// The NIC's counters of one port (dataplane::PortStatus::nic_stats; valid = false when the
// driver gave none).
struct NicCounters {
  bool valid = false;
  uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_missed = 0, rx_errors = 0, tx_errors = 0, rx_nombuf = 0;
};

struct PortSnapshot {
  std::string name;
  bool link_up = false;
  bool shut = false;                 // BPDU guard
  uint16_t mtu = 0;                  // L3 bytes (ports[].mtu, or the device's own)
  dataplane::PortCounters counters;  // the switch's own, summed over every lcore
  NicCounters nic;
  snoop::PortUsage usage;            // groups and sources the port's reports hold, and limits
  uint64_t router_guard_dropped = 0;
  uint32_t macs = 0;
  uint64_t macs_refused = 0;
  snoop::MsgCounters rx_messages, tx_messages;  // IGMP/MLD/PIM/MRD messages by type and version
};

struct VlanSnapshot {
  VlanId id = 0;
  uint32_t groups = 0;        // learned groups
  uint32_t router_ports_v4 = 0;
  uint32_t router_ports_v6 = 0;
};

struct LcoreSnapshot {
  unsigned lcore = 0;
  std::string role;           // "control", "worker", "rx", "tx"
  uint64_t busy_cycles = 0;
  uint64_t idle_cycles = 0;
};

struct SwitchSnapshot {
  uint64_t tsc_hz = 0;
  uint64_t uptime_ms = 0;
  std::vector<PortSnapshot> ports;
  std::vector<VlanSnapshot> vlans;
  std::vector<LcoreSnapshot> lcores;
  snoop::Counters engine;
  snoop::TableUsage table;
  // ControlCounters, flattened (control_plane.hpp includes this header's users, not the reverse).
  uint64_t punted_frames = 0, decoded = 0, flooded_unrecognized = 0;
  std::vector<std::pair<std::string, uint64_t>> decode_errors;  // by reason, Ok excluded
  uint64_t queries_sent = 0, query_frames_split = 0, mrd_solicitations_sent = 0;
  uint64_t tx_oversize = 0, no_mbuf = 0, link_changes = 0;
  uint64_t mft_entries = 0, mft_capacity = 0, mft_refused = 0, mft_retried = 0, mft_retry_dropped = 0;
  uint64_t mft_retry_pending = 0;
  uint64_t mac_entries = 0, mac_capacity = 0;
  uint64_t macs_learned = 0, macs_moved = 0, macs_aged = 0, mac_table_full = 0;
  uint64_t mac_flaps = 0, guard_shutdowns = 0;
  mgmt::ControlServer::Counters socket;
  mgmt::HttpServer::Counters http;
};

// The snapshot in the Prometheus text format (docs/operations.md lists every family).
void write_prometheus(const SwitchSnapshot& s, mgmt::MetricsWriter& w);

}  // namespace mcsnoop::control
