// RFC 4286 Multicast Router Solicitations: the per-port schedule, and the control plane
// sending what is due into every snooped VLAN of the port.
#include "mcsnoop/control/mrd_solicitor.hpp"

#include <algorithm>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/control/query_frame.hpp"
#include "mcsnoop/net/ethernet.hpp"

namespace mcsnoop::control {

// ---- schedule ------------------------------------------------------------------------------

MrdSolicitor::MrdSolicitor(unsigned ports, uint64_t seed, MrdSolicitTiming timing)
    : ports_(ports), timing_(timing), rng_(seed) {}

void MrdSolicitor::trigger(PortId port, uint64_t now_ms) {
  if (port >= ports_.size() || timing_.count == 0) return;
  PortSchedule& s = ports_[port];
  std::uniform_int_distribution<uint64_t> delay(timing_.min_delay_ms,
                                                std::max(timing_.min_delay_ms, timing_.max_delay_ms));
  uint64_t at = now_ms + delay(rng_);
  if (s.sent_before) at = std::max(at, s.last_sent + timing_.interval_ms);  // the rate limit
  s.next = at;
  s.left = timing_.count;
  update_next_due();
}

void MrdSolicitor::cancel(PortId port) {
  if (port >= ports_.size()) return;
  ports_[port].next = kIdle;
  ports_[port].left = 0;
  update_next_due();
}

PortMask MrdSolicitor::take_due(uint64_t now_ms) {
  PortMask due;
  if (now_ms < next_due_) return due;
  for (PortId p = 0; p < ports_.size(); ++p) {
    PortSchedule& s = ports_[p];
    if (s.next > now_ms) continue;
    due.set(p);
    s.last_sent = now_ms;
    s.sent_before = true;
    s.next = --s.left > 0 ? now_ms + timing_.interval_ms : kIdle;
  }
  update_next_due();
  return due;
}

void MrdSolicitor::update_next_due() {
  next_due_ = kIdle;
  for (const PortSchedule& s : ports_) next_due_ = std::min(next_due_, s.next);
}

// ---- sending -------------------------------------------------------------------------------

std::vector<ControlPlane::SolicitVlan> ControlPlane::solicit_vlans(const snoop::EngineConfig& cfg) {
  std::vector<SolicitVlan> out;
  for (const snoop::VlanConfig& v : cfg.vlans) {
    if (!v.mrd_solicit || !v.snooping) continue;
    // IPv4: our querier's address when there is one, else 0.0.0.0 like a proxy query (RFC 4541
    // 2.1.1(4)). IPv6 needs a link-local source: our querier's, else the port's own (per port).
    out.push_back(SolicitVlan{v.id, v.mld, v.querier.address.value_or(net::IpAddr::any(net::Family::V4)),
                              v.querier.address6});
  }
  return out;
}

unsigned ControlPlane::solicit_routers(uint64_t now_ms) {
  const PortMask due = solicitor_.take_due(now_ms);
  unsigned sent = 0;
  due.for_each([&](PortId p) {
    if (!sw_.state.port(p).link_up.load()) return;
    const uint8_t* mac = sw_.ports[p].mac;
    const net::IpAddr own_ll = net::link_local_from_mac(net::MacAddr::from_bytes(mac));
    for (const SolicitVlan& v : solicit_vlans_) {
      if (!sw_.state.vlan(v.id).members.test(p)) continue;
      const auto solicitation_from = [mac](const net::IpAddr& src) {
        return [&src, mac](std::span<uint8_t> room) { return build_solicitation_frame_into(room, src, mac); };
      };
      unsigned ok = transmit(v.id, PortMask::of(p), solicitation_from(v.src4));
      if (v.mld) {
        const net::IpAddr src6 = v.src6.value_or(own_ll);
        ok += transmit(v.id, PortMask::of(p), solicitation_from(src6));
      }
      tx_msgs_[p].mrd_solicitations += ok;
      sent += ok;
    }
  });
  counters_.mrd_solicitations_sent += sent;
  return sent;
}

}  // namespace mcsnoop::control
