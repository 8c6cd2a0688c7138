// ControlPlane::snapshot: the state the metrics endpoint and the telemetry commands report,
// copied on the control lcore (the only thread that may read the engine and the tables).
#include <map>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"

namespace mcsnoop::control {

namespace {

NicCounters nic_counters(const std::optional<dataplane::NicStats>& st) {
  NicCounters n;
  if (!st) return n;
  n.valid = true;
  n.rx_packets = st->ipackets;
  n.tx_packets = st->opackets;
  n.rx_bytes = st->ibytes;
  n.tx_bytes = st->obytes;
  n.rx_missed = st->imissed;
  n.rx_errors = st->ierrors;
  n.tx_errors = st->oerrors;
  n.rx_nombuf = st->rx_nombuf;
  return n;
}

}  // namespace

void ControlPlane::snapshot(SwitchSnapshot& s) const {
  s.tsc_hz = sw_.clock.hz();
  s.uptime_ms = sw_.clock.now_ms();
  s.ports.resize(port_count());
  for (PortId p = 0; p < port_count(); ++p) {
    PortSnapshot& ps = s.ports[p];
    ps.name = port_name(p);
    ps.link_up = sw_.state.port(p).link_up.load();
    ps.shut = sw_.state.port(p).shut.load();
    ps.mtu = sw_.port_status.mtu(p);
    ps.counters = port_counters(p);
    ps.nic = nic_counters(sw_.port_status.nic_stats(p));
    ps.usage = engine_.port_usage(p);
    ps.router_guard_dropped = engine_.port_counters(p).dropped_router_guard;
    ps.macs = static_cast<uint32_t>(sw_.macs.port_size(p));
    ps.macs_refused = bridge_.macs_refused(p);
    ps.rx_messages = engine_.rx_messages(p);
    ps.tx_messages = tx_msgs_[p];
  }

  std::map<VlanId, VlanSnapshot> vlans;
  for (const dataplane::VlanSpec& v : sw_.spec.vlans) vlans[v.id] = {v.id, engine_.vlan_groups(v.id), 0, 0};
  for (const snoop::RouterView& r : engine_.routers(snoop::Ms(now_ms_))) {
    VlanSnapshot& v = vlans[r.vlan];
    v.id = r.vlan;
    ++(r.family == net::Family::V4 ? v.router_ports_v4 : v.router_ports_v6);
  }
  s.vlans.clear();
  for (const auto& [id, v] : vlans) s.vlans.push_back(v);

  s.lcores.clear();
  s.lcores.push_back({sw_.spec.lcores.control, "control", control_cycles_.busy.load(std::memory_order_relaxed),
                      control_cycles_.idle.load(std::memory_order_relaxed)});
  for (const LcoreHandle& lc : sw_.lcores)
    s.lcores.push_back({lc.lcore, lc.role, lc.cycles->busy.load(std::memory_order_relaxed),
                        lc.cycles->idle.load(std::memory_order_relaxed)});

  s.engine = engine_.counters();
  s.table = engine_.table_usage();
  s.punted_frames = counters_.punted_frames;
  s.decoded = counters_.decoded;
  s.flooded_unrecognized = counters_.flooded_unrecognized;
  s.decode_errors.clear();
  for (unsigned i = 0; i < net::kDecodeResultCount; ++i)
    if (i != static_cast<unsigned>(net::DecodeResult::Ok))
      s.decode_errors.emplace_back(net::to_string(static_cast<net::DecodeResult>(i)), counters_.decode_errors[i]);
  s.queries_sent = counters_.queries_built;
  s.query_frames_split = counters_.query_frames_split;
  s.mrd_solicitations_sent = counters_.mrd_solicitations_sent;
  s.tx_oversize = counters_.frames_oversize;
  s.no_mbuf = counters_.frames_lost_no_mbuf;
  s.link_changes = counters_.link_changes;
  const mft::Table& mft = sw_.mft;
  s.mft_entries = mft.size();
  s.mft_capacity = mft.capacity();
  s.mft_refused = counters_.mft_refused;
  s.mft_retried = counters_.mft_retried;
  s.mft_retry_dropped = counters_.mft_retry_dropped;
  s.mft_retry_pending = mft_retry_.size();
  const l2::MacTable& macs = sw_.macs;
  s.mac_entries = macs.size();
  s.mac_capacity = macs.capacity();
  s.macs_learned = counters_.macs_learned;
  s.macs_moved = counters_.macs_moved;
  s.macs_aged = counters_.macs_aged;
  s.mac_table_full = counters_.mac_table_full;
  s.mac_flaps = bridge_.counters().mac_flaps;
  s.guard_shutdowns = bridge_.counters().guard_shutdowns;
  s.socket = server_.counters();
  s.http = metrics_.counters();
}

}  // namespace mcsnoop::control
