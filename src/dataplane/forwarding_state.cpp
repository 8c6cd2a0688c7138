#include "mcsnoop/dataplane/forwarding_state.hpp"

namespace mcsnoop::dataplane {

namespace {

// The port's reserved-address, BPDU and storm control settings and its shared policers.
void configure_protection(PortState& st, PortPolicers& pol, const PortSpec& ps, uint64_t tsc_hz) {
  st.forward_reserved = ps.forward_reserved & 0xfffc;  // never the BPDU bit, never PAUSE
  st.bpdu = ps.bpdu;
  st.storm_pps[static_cast<unsigned>(StormClass::Broadcast)] = ps.storm.broadcast;
  st.storm_pps[static_cast<unsigned>(StormClass::UnknownUnicast)] = ps.storm.unknown_unicast;
  st.storm_pps[static_cast<unsigned>(StormClass::UnregisteredMulticast)] = ps.storm.unregistered_multicast;
  st.storm_on = ps.storm.any();
  pol.punt.configure(ps.punt_rate_pps, tsc_hz);
  for (unsigned c = 0; c < kStormClasses; ++c) pol.storm[c].configure(st.storm_pps[c], tsc_hz);
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

}  // namespace mcsnoop::dataplane
