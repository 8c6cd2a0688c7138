// Live reload of the data plane's run-time settings (Dataplane::reconfigure,
// ForwardingState::reconfigure). Everything here is a single-word store the workers read
// without a lock (forwarding_state.hpp); nothing is allocated or freed.
#include "mcsnoop/dataplane/dataplane.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"
#include "mcsnoop/l2/mac_table.hpp"

namespace mcsnoop::dataplane {

void ForwardingState::reconfigure(const SwitchSpec& next, uint64_t tsc_hz) {
  for (const VlanSpec& v : next.vlans) {
    VlanState& vs = vlans_[v.id];
    if (!vs.exists) continue;
    vs.snoop_igmp.store(v.snoop_igmp, std::memory_order_release);
    vs.snoop_mld.store(v.snoop_mld, std::memory_order_release);
  }
  for (PortId p = 0; p < nports_ && p < next.ports.size(); ++p) {
    const PortSpec& ps = next.ports[p];
    PortState& st = ports_[p];
    PortPolicers& pol = policers_[p];
    pol.punt.set_rate(ps.punt_rate_pps, tsc_hz);
    st.forward_reserved.store(ps.forward_reserved & 0xfffc, std::memory_order_release);  // never BPDU, PAUSE
    st.bpdu.store(ps.bpdu, std::memory_order_release);
    const uint32_t pps[kStormClasses] = {ps.storm.broadcast, ps.storm.unknown_unicast,
                                         ps.storm.unregistered_multicast};
    // The bucket's rate first, then the limit that makes workers use it.
    for (unsigned c = 0; c < kStormClasses; ++c) {
      pol.storm[c].set_rate(pps[c], tsc_hz);
      st.storm_pps[c].store(pps[c], std::memory_order_release);
    }
    st.storm_on.store(ps.storm.any(), std::memory_order_release);
  }
}

void Dataplane::reconfigure(const SwitchSpec& next) {
  for (size_t i = 0; i < spec_.vlans.size(); ++i) {
    for (const VlanSpec& v : next.vlans) {
      if (v.id != spec_.vlans[i].id) continue;
      spec_.vlans[i].snoop_igmp = v.snoop_igmp;
      spec_.vlans[i].snoop_mld = v.snoop_mld;
    }
  }
  for (PortId p = 0; p < spec_.ports.size() && p < next.ports.size(); ++p) {
    PortSpec& ps = spec_.ports[p];
    const PortSpec& np = next.ports[p];
    ps.punt_rate_pps = np.punt_rate_pps;
    ps.forward_reserved = np.forward_reserved;
    ps.bpdu = np.bpdu;
    ps.max_macs = np.max_macs;
    ps.storm = np.storm;
    macs_->set_port_limit(p, max_macs(spec_, p));
  }
  spec_.mac_move_limit = next.mac_move_limit;
  state_->reconfigure(spec_, clock_.hz());
}

}  // namespace mcsnoop::dataplane
