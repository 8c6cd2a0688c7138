// ForwardingState: built from the switch's spec before the workers start, and the live reload
// of its run-time settings (reconfigure) while they run.
#include "mcsnoop/dataplane/forwarding_state.hpp"

#include <array>

namespace mcsnoop::dataplane {

namespace {

// The longest frame the port sends (PortState::max_frame).
uint32_t max_frame(const PortSpec& ps) { return PortState::max_frame_for(ps.mtu.value_or(PortState::kDefaultMtu)); }

// The reserved addresses a port relays: never bit 0 (the BPDU address, `bpdu` decides) nor
// bit 1 (PAUSE).
uint16_t relayed_reserved(const PortSpec& ps) { return ps.forward_reserved & 0xfffc; }

// The port's storm control limits (packets/s, 0 = off), indexed by StormClass.
std::array<uint32_t, kStormClasses> storm_limits(const PortSpec& ps) {
  std::array<uint32_t, kStormClasses> pps{};
  pps[static_cast<unsigned>(StormClass::Broadcast)] = ps.storm.broadcast;
  pps[static_cast<unsigned>(StormClass::UnknownUnicast)] = ps.storm.unknown_unicast;
  pps[static_cast<unsigned>(StormClass::UnregisteredMulticast)] = ps.storm.unregistered_multicast;
  return pps;
}

// The port's reserved-address, BPDU and storm control settings and its shared policers, before
// any worker runs.
void configure_protection(PortState& st, PortPolicers& pol, const PortSpec& ps, uint64_t tsc_hz) {
  st.forward_reserved = relayed_reserved(ps);
  st.bpdu = ps.bpdu;
  const std::array<uint32_t, kStormClasses> pps = storm_limits(ps);
  for (unsigned c = 0; c < kStormClasses; ++c) st.storm_pps[c] = pps[c];
  st.storm_on = ps.storm.any();
  pol.punt.configure(ps.punt_rate_pps, tsc_hz);
  for (unsigned c = 0; c < kStormClasses; ++c) pol.storm[c].configure(pps[c], tsc_hz);
}

// The same settings changed under running workers: single-word stores they read without a lock;
// nothing is allocated or freed.
void reconfigure_protection(PortState& st, PortPolicers& pol, const PortSpec& ps, uint64_t tsc_hz) {
  pol.punt.set_rate(ps.punt_rate_pps, tsc_hz);
  st.forward_reserved.store(relayed_reserved(ps), std::memory_order_release);
  st.bpdu.store(ps.bpdu, std::memory_order_release);
  const std::array<uint32_t, kStormClasses> pps = storm_limits(ps);
  // The bucket's rate first, then the limit that makes workers use it.
  for (unsigned c = 0; c < kStormClasses; ++c) {
    pol.storm[c].set_rate(pps[c], tsc_hz);
    st.storm_pps[c].store(pps[c], std::memory_order_release);
  }
  st.storm_on.store(ps.storm.any(), std::memory_order_release);
}

}  // namespace

ForwardingState::ForwardingState(const SwitchSpec& spec, uint64_t tsc_hz)
    : nports_(static_cast<unsigned>(spec.ports.size())),
      ports_(new PortState[spec.ports.size() ? spec.ports.size() : 1]),
      vlans_(new VlanState[kVlanCount]),
      policers_(new PortPolicers[spec.ports.size() ? spec.ports.size() : 1]) {
  for (const VlanSpec& v : spec.vlans) {
    VlanState& vs = vlans_[v.id];
    vs.exists = true;
    vs.snoop_igmp = v.snoop_igmp;
    vs.snoop_mld = v.snoop_mld;
  }
  for (PortId p = 0; p < nports_; ++p) {
    const PortSpec& ps = spec.ports[p];
    PortState& st = ports_[p];
    st.mode = ps.mode;
    st.max_frame = max_frame(ps);
    configure_protection(st, policers_[p], ps, tsc_hz);
    auto join = [&](VlanId v, bool untagged) {
      VlanState& vs = vlans_[v];
      vs.exists = true;  // a VLAN used by a port but not listed gets default snooping (set by app)
      vs.members.set(p);
      if (untagged) vs.untagged.set(p);
    };
    if (ps.mode == VlanMode::Access) {
      st.access_vlan = ps.access_vlan;
      join(ps.access_vlan, true);
    } else {
      st.native_vlan = ps.native_vlan;
      for (VlanId v : ps.allowed_vlans) {
        if (v == ps.native_vlan) continue;
        st.tagged_vlans.set(v);
        join(v, false);
      }
      if (ps.native_vlan != 0) join(ps.native_vlan, true);
    }
  }
  // Until the control plane says otherwise, unregistered multicast floods in the VLAN, the
  // behaviour of a bridge without snooping.
  for (unsigned v = 0; v < kVlanCount; ++v)
    for (auto& u : vlans_[v].unregistered) u.store(vlans_[v].members.bits(), std::memory_order_relaxed);
}

void ForwardingState::reconfigure(const SwitchSpec& next, uint64_t tsc_hz) {
  for (const VlanSpec& v : next.vlans) {
    VlanState& vs = vlans_[v.id];
    if (!vs.exists) continue;
    vs.snoop_igmp.store(v.snoop_igmp, std::memory_order_release);
    vs.snoop_mld.store(v.snoop_mld, std::memory_order_release);
  }
  for (PortId p = 0; p < nports_ && p < next.ports.size(); ++p) {
    reconfigure_protection(ports_[p], policers_[p], next.ports[p], tsc_hz);
    ports_[p].max_frame.store(max_frame(next.ports[p]), std::memory_order_release);
  }
}

}  // namespace mcsnoop::dataplane
