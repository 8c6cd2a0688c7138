// The metrics endpoint: a SwitchSnapshot in the Prometheus text format, and the HTTP server
// that serves it from the control lcore.
//
// Naming (https://prometheus.io/docs/practices/naming/): every name starts with mcsnoop_,
// counters end in _total, units are in the name (_bytes, _cycles, _seconds), per-port series
// carry port="<name>", per-VLAN ones vlan="<id>", drops carry reason="<name of show ports>".
// docs/operations.md lists every family.
#include <string>

#include "mcsnoop/control/control_plane.hpp"

namespace mcsnoop::control {

namespace {

using mgmt::MetricType;
using mgmt::MetricsWriter;
constexpr MetricType kCounter = MetricType::Counter;
constexpr MetricType kGauge = MetricType::Gauge;

// A per-port family: one sample per port from `get`.
template <typename Get>
void per_port(MetricsWriter& w, const SwitchSnapshot& s, std::string_view name, MetricType type,
              std::string_view help, Get get) {
  w.family(name, type, help);
  for (const PortSnapshot& p : s.ports) w.sample({{"port", p.name}}, static_cast<uint64_t>(get(p)));
}

void write_ports(const SwitchSnapshot& s, MetricsWriter& w) {
  per_port(w, s, "mcsnoop_port_rx_packets_total", kCounter, "Frames received on the port by the switch.",
           [](const PortSnapshot& p) { return p.counters.rx_packets; });
  per_port(w, s, "mcsnoop_port_tx_packets_total", kCounter, "Frames transmitted on the port by the switch.",
           [](const PortSnapshot& p) { return p.counters.tx_packets; });
  per_port(w, s, "mcsnoop_port_rx_bytes_total", kCounter, "Bytes received on the port by the switch.",
           [](const PortSnapshot& p) { return p.counters.rx_bytes; });
  per_port(w, s, "mcsnoop_port_tx_bytes_total", kCounter, "Bytes transmitted on the port by the switch.",
           [](const PortSnapshot& p) { return p.counters.tx_bytes; });
  per_port(w, s, "mcsnoop_port_igmp_rx_packets_total", kCounter,
           "IGMP, MLD, PIM hello and MRD frames from the port handed to the control plane (show ports igmp_rx).",
           [](const PortSnapshot& p) { return p.counters.punted; });
  per_port(w, s, "mcsnoop_port_flooded_packets_total", kCounter,
           "Broadcast, unknown unicast, link-local and non-IP multicast frames flooded from the port.",
           [](const PortSnapshot& p) { return p.counters.flooded; });
  per_port(w, s, "mcsnoop_port_mcast_lookups_total", kCounter,
           "IP multicast data frames from the port looked up in the multicast forwarding table.",
           [](const PortSnapshot& p) { return p.counters.mcast_lookups; });
  per_port(w, s, "mcsnoop_port_mcast_unregistered_packets_total", kCounter,
           "IP multicast data frames from the port with no forwarding entry (unregistered policy applied).",
           [](const PortSnapshot& p) { return p.counters.mcast_unregistered; });

  w.family("mcsnoop_port_drops_total", kCounter,
           "Frames (or copies) not delivered, by port of arrival (or egress for tx_queue_full) and reason.");
  for (const PortSnapshot& p : s.ports)
    for (size_t i = 0; i < p.counters.drops.size(); ++i)
      w.sample({{"port", p.name}, {"reason", dataplane::kDropNames[i]}}, p.counters.drops[i]);

  per_port(w, s, "mcsnoop_port_link_up", kGauge, "1 when the port's link is up.",
           [](const PortSnapshot& p) { return p.link_up ? 1 : 0; });
  per_port(w, s, "mcsnoop_port_mtu_bytes", kGauge,
           "The port's MTU in bytes after the Ethernet header (ports[].mtu, else the device's default).",
           [](const PortSnapshot& p) { return p.mtu; });
  per_port(w, s, "mcsnoop_port_bpdu_guard_shut", kGauge, "1 while BPDU guard keeps the port shut.",
           [](const PortSnapshot& p) { return p.shut ? 1 : 0; });
  per_port(w, s, "mcsnoop_port_groups", kGauge, "Group memberships the port's reports hold.",
           [](const PortSnapshot& p) { return p.usage.groups; });
  per_port(w, s, "mcsnoop_port_max_groups", kGauge, "The port's group limit (0 = none).",
           [](const PortSnapshot& p) { return p.usage.max_groups; });
  per_port(w, s, "mcsnoop_port_sources", kGauge, "Source states the port's reports hold.",
           [](const PortSnapshot& p) { return p.usage.sources; });
  per_port(w, s, "mcsnoop_port_groups_refused_total", kCounter,
           "New groups from the port refused at a group limit (port, VLAN or table).",
           [](const PortSnapshot& p) { return p.usage.refused_groups; });
  per_port(w, s, "mcsnoop_port_sources_refused_total", kCounter,
           "Sources from the port refused at a source limit.",
           [](const PortSnapshot& p) { return p.usage.refused_sources; });
  per_port(w, s, "mcsnoop_port_router_guard_dropped_total", kCounter,
           "Queries, PIM hellos and MRD messages dropped by the port's router guard.",
           [](const PortSnapshot& p) { return p.router_guard_dropped; });
  per_port(w, s, "mcsnoop_port_mac_addresses", kGauge, "MAC addresses learned on the port.",
           [](const PortSnapshot& p) { return p.macs; });
  per_port(w, s, "mcsnoop_port_mac_refused_total", kCounter, "MAC addresses refused at the port's max_macs.",
           [](const PortSnapshot& p) { return p.macs_refused; });
}

// Messages by port, direction, protocol, type and version (show ports `messages`); `version`
// is left out where the type has none (MRD).
void write_messages(const SwitchSnapshot& s, MetricsWriter& w) {
  w.family("mcsnoop_port_messages_total", kCounter,
           "IGMP, MLD, PIM and MRD messages received on (rx) or sent out of (tx) the port, by type and version.");
  for (const PortSnapshot& p : s.ports) {
    for (const auto& [direction, c] : {std::pair{"rx", &p.rx_messages}, std::pair{"tx", &p.tx_messages}}) {
      for (const snoop::MsgCounterField& f : snoop::kMsgCounterFields) {
        const uint64_t n = (*c).*f.member;
        if (f.version == 0) {
          w.sample({{"port", p.name}, {"direction", direction}, {"protocol", f.protocol}, {"type", f.type}}, n);
        } else {
          w.sample({{"port", p.name}, {"direction", direction}, {"protocol", f.protocol}, {"type", f.type},
                    {"version", std::to_string(f.version)}},
                   n);
        }
      }
    }
  }
}

void write_nic(const SwitchSnapshot& s, MetricsWriter& w) {
  struct Field {
    std::string_view name, help;
    uint64_t NicCounters::*member;
  };
  static constexpr Field kFields[] = {
      {"mcsnoop_nic_rx_packets_total", "Packets the NIC received (rte_eth_stats ipackets).", &NicCounters::rx_packets},
      {"mcsnoop_nic_tx_packets_total", "Packets the NIC transmitted (opackets).", &NicCounters::tx_packets},
      {"mcsnoop_nic_rx_bytes_total", "Bytes the NIC received (ibytes).", &NicCounters::rx_bytes},
      {"mcsnoop_nic_tx_bytes_total", "Bytes the NIC transmitted (obytes).", &NicCounters::tx_bytes},
      {"mcsnoop_nic_rx_missed_total", "Packets the NIC dropped for lack of RX descriptors (imissed).",
       &NicCounters::rx_missed},
      {"mcsnoop_nic_rx_errors_total", "Erroneous packets received (ierrors).", &NicCounters::rx_errors},
      {"mcsnoop_nic_tx_errors_total", "Packets the NIC failed to transmit (oerrors).", &NicCounters::tx_errors},
      {"mcsnoop_nic_rx_nombuf_total", "RX mbuf allocation failures (rx_nombuf).", &NicCounters::rx_nombuf},
  };
  for (const Field& f : kFields) {
    w.family(f.name, kCounter, f.help);
    for (const PortSnapshot& p : s.ports)
      if (p.nic.valid) w.sample({{"port", p.name}}, p.nic.*f.member);
  }
}

void write_vlans(const SwitchSnapshot& s, MetricsWriter& w) {
  w.family("mcsnoop_vlan_groups", kGauge, "Learned groups in the VLAN.");
  for (const VlanSnapshot& v : s.vlans) w.sample({{"vlan", std::to_string(v.id)}}, uint64_t{v.groups});
  w.family("mcsnoop_vlan_router_ports", kGauge, "Multicast router ports of the VLAN (learned and static), by family.");
  for (const VlanSnapshot& v : s.vlans) {
    const std::string id = std::to_string(v.id);
    w.sample({{"vlan", id}, {"family", "ipv4"}}, uint64_t{v.router_ports_v4});
    w.sample({{"vlan", id}, {"family", "ipv6"}}, uint64_t{v.router_ports_v6});
  }
}

void write_engine(const SwitchSnapshot& s, MetricsWriter& w) {
  struct Field {
    std::string_view name, help;
    uint64_t snoop::Counters::*member;
  };
  static constexpr Field kFields[] = {
      {"mcsnoop_snooping_messages_total", "IGMP/MLD/PIM/MRD messages the snooping engine received.",
       &snoop::Counters::messages},
      {"mcsnoop_snooping_queries_total", "Queries received.", &snoop::Counters::queries},
      {"mcsnoop_snooping_reports_total", "Membership reports received.", &snoop::Counters::reports},
      {"mcsnoop_snooping_leaves_total", "IGMPv2 leaves and MLDv1 dones received.", &snoop::Counters::leaves},
      {"mcsnoop_snooping_records_total", "IGMPv3/MLDv2 group records processed.", &snoop::Counters::records},
      {"mcsnoop_snooping_pim_hellos_total", "PIM hellos received.", &snoop::Counters::pim_hellos},
      {"mcsnoop_snooping_mrd_total", "Multicast router discovery messages received.", &snoop::Counters::mrd},
      {"mcsnoop_snooping_groups_expired_total", "Memberships that timed out.", &snoop::Counters::groups_expired},
      {"mcsnoop_snooping_fast_leaves_total", "Memberships pruned at once by fast leave.",
       &snoop::Counters::fast_leaves},
      {"mcsnoop_snooping_host_leaves_kept_total", "Leaves that kept the port: other hosts still joined.",
       &snoop::Counters::host_leaves_kept},
      {"mcsnoop_snooping_mrd_terminations_total", "RFC 4286 terminations received.",
       &snoop::Counters::mrd_terminations},
      {"mcsnoop_snooping_topology_queries_deferred_total", "Link-up general queries held back by the throttle.",
       &snoop::Counters::topology_queries_deferred},
      {"mcsnoop_snooping_router_guard_dropped_total", "Router signals dropped on guarded ports.",
       &snoop::Counters::dropped_router_guard},
  };
  for (const Field& f : kFields) w.single(f.name, kCounter, f.help, s.engine.*f.member);

  // Messages the engine ignored or refused, one family with the reason as a label.
  w.family("mcsnoop_snooping_ignored_total", kCounter, "Messages or records the snooping engine ignored, by reason.");
  const std::pair<std::string_view, uint64_t> ignored[] = {
      {"link_local", s.engine.ignored_link_local},       {"ssm", s.engine.ignored_ssm},
      {"not_multicast", s.engine.ignored_not_multicast}, {"unknown_vlan", s.engine.ignored_unknown_vlan},
      {"not_querier_leave", s.engine.ignored_not_querier_leave},
      {"invalid_source", s.engine.ignored_invalid_source}, {"router_guard", s.engine.ignored_router_guard},
      {"compat", s.engine.ignored_compat},               {"snooping_off", s.engine.ignored_snooping_off}};
  for (const auto& [reason, n] : ignored) w.sample({{"reason", reason}}, n);
  w.family("mcsnoop_snooping_refused_total", kCounter, "Groups or sources refused at a limit, by limit.");
  const std::pair<std::string_view, uint64_t> refused[] = {
      {"port_limit", s.engine.refused_port_limit},     {"table_full", s.engine.refused_table_full},
      {"vlan_limit", s.engine.refused_vlan_limit},     {"source_limit", s.engine.refused_source_limit},
      {"port_sources", s.engine.refused_port_sources}, {"table_sources", s.engine.refused_table_sources}};
  for (const auto& [reason, n] : refused) w.sample({{"reason", reason}}, n);

  w.single("mcsnoop_groups", kGauge, "Learned groups in the whole table.", s.table.groups);
  w.single("mcsnoop_static_groups", kGauge, "Groups with static entries.", s.table.static_groups);
  w.single("mcsnoop_sources", kGauge, "Source states in the whole table.", s.table.sources);
}

void write_control(const SwitchSnapshot& s, MetricsWriter& w) {
  w.single("mcsnoop_control_punted_packets_total", kCounter, "Control frames the control lcore took from the punt ring.",
           s.punted_frames);
  w.single("mcsnoop_control_decoded_total", kCounter, "Control frames decoded and given to the engine.", s.decoded);
  w.single("mcsnoop_control_flooded_unrecognized_total", kCounter,
           "Control frames not understood and flooded unchanged (RFC 4541 2.1.1(3)).", s.flooded_unrecognized);
  w.family("mcsnoop_control_decode_errors_total", kCounter, "Punted frames the decoder did not accept, by result.");
  for (const auto& [reason, n] : s.decode_errors) w.sample({{"reason", reason}}, n);
  w.single("mcsnoop_queries_sent_total", kCounter, "Queries the switch sent as querier.", s.queries_sent);
  w.single("mcsnoop_query_frames_split_total", kCounter, "Extra frames of queries split at the egress MTU.",
           s.query_frames_split);
  w.single("mcsnoop_mrd_solicitations_sent_total", kCounter, "RFC 4286 solicitations sent.", s.mrd_solicitations_sent);
  w.single("mcsnoop_control_tx_oversize_total", kCounter, "Frames the control plane would not send: too large.",
           s.tx_oversize);
  w.single("mcsnoop_control_no_mbuf_total", kCounter, "Frames the control plane lost for lack of an mbuf.", s.no_mbuf);
  w.single("mcsnoop_link_changes_total", kCounter, "Port link state changes seen.", s.link_changes);

  w.single("mcsnoop_mft_entries", kGauge, "Keys in the multicast forwarding table.", s.mft_entries);
  w.single("mcsnoop_mft_capacity", kGauge, "Capacity of the multicast forwarding table.", s.mft_capacity);
  w.single("mcsnoop_mft_refused_total", kCounter, "Forwarding table updates refused (full or backlog).", s.mft_refused);
  w.single("mcsnoop_mft_retried_total", kCounter, "Refused updates applied later by a retry.", s.mft_retried);
  w.single("mcsnoop_mft_retry_dropped_total", kCounter, "Refused updates not retried (retry set full).",
           s.mft_retry_dropped);
  w.single("mcsnoop_mft_retry_pending", kGauge, "Refused updates waiting for a retry.", s.mft_retry_pending);

  w.single("mcsnoop_mac_table_entries", kGauge, "Addresses in the MAC table.", s.mac_entries);
  w.single("mcsnoop_mac_table_capacity", kGauge, "Capacity of the MAC table.", s.mac_capacity);
  w.single("mcsnoop_mac_learned_total", kCounter, "Addresses learned.", s.macs_learned);
  w.single("mcsnoop_mac_moved_total", kCounter, "Addresses that moved to another port.", s.macs_moved);
  w.single("mcsnoop_mac_aged_total", kCounter, "Addresses aged out.", s.macs_aged);
  w.single("mcsnoop_mac_table_full_total", kCounter, "Addresses not learned: table full.", s.mac_table_full);
  w.single("mcsnoop_mac_flapping_total", kCounter, "Seconds in which an address moved more than move_limit times.",
           s.mac_flaps);
  w.single("mcsnoop_bpdu_guard_shutdowns_total", kCounter, "Ports shut by BPDU guard.", s.guard_shutdowns);
}

void write_process(const SwitchSnapshot& s, MetricsWriter& w) {
  w.family("mcsnoop_lcore_busy_cycles_total", kCounter,
           "TSC cycles of loop iterations that found work, per lcore (divide by mcsnoop_tsc_hz for seconds).");
  for (const LcoreSnapshot& l : s.lcores)
    w.sample({{"lcore", std::to_string(l.lcore)}, {"role", l.role}}, l.busy_cycles);
  w.family("mcsnoop_lcore_idle_cycles_total", kCounter, "TSC cycles of loop iterations that found nothing, per lcore.");
  for (const LcoreSnapshot& l : s.lcores)
    w.sample({{"lcore", std::to_string(l.lcore)}, {"role", l.role}}, l.idle_cycles);
  w.single("mcsnoop_tsc_hz", kGauge, "TSC cycles per second.", s.tsc_hz);
  w.family("mcsnoop_uptime_seconds", kGauge, "Seconds since the data plane started.");
  w.sample({}, static_cast<double>(s.uptime_ms) / 1000.0);

  w.single("mcsnoop_control_socket_requests_total", kCounter, "Requests answered on the control socket.",
           s.socket.requests);
  w.single("mcsnoop_control_socket_errors_total", kCounter, "Control socket requests answered with an error.",
           s.socket.errors);
  w.family("mcsnoop_metrics_http_responses_total", kCounter, "Answers of the metrics endpoint, by status class.");
  w.sample({{"code", "2xx"}}, s.http.responses_2xx);
  w.sample({{"code", "4xx"}}, s.http.responses_4xx);
  w.sample({{"code", "5xx"}}, s.http.responses_5xx);
  w.family("mcsnoop_metrics_http_rejected_total", kCounter,
           "Metrics endpoint connections refused or cut, by reason (docs/security.md).");
  w.sample({{"reason", "malformed"}}, s.http.malformed);
  w.sample({{"reason", "oversized"}}, s.http.oversized);
  w.sample({{"reason", "timeout"}}, s.http.timed_out);
  w.sample({{"reason", "busy"}}, s.http.refused_busy);
  w.sample({{"reason", "io_error"}}, s.http.io_errors);
}

}  // namespace

void write_prometheus(const SwitchSnapshot& s, MetricsWriter& w) {
  write_ports(s, w);
  write_messages(s, w);
  write_nic(s, w);
  write_vlans(s, w);
  write_engine(s, w);
  write_control(s, w);
  write_process(s, w);
}

std::string ControlPlane::render_metrics() {
  snapshot(metrics_snapshot_);
  MetricsWriter w;
  write_prometheus(metrics_snapshot_, w);
  return w.take();
}

bool ControlPlane::open_metrics(const std::string& host, uint16_t port, std::string* err) {
  if (!metrics_.open(host, port, err)) return false;
  metrics_.route("/metrics", std::string(mgmt::kMetricsContentType), [this] { return render_metrics(); });
  return true;
}

}  // namespace mcsnoop::control
