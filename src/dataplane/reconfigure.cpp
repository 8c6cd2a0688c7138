// Live reload of the workers' run-time settings (ForwardingState::reconfigure; app::Switch's
// reconfigure calls it). Everything here is a single-word store the workers read
// without a lock (forwarding_state.hpp); nothing is allocated or freed.
#include "mcsnoop/dataplane/forwarding_state.hpp"

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

}  // namespace mcsnoop::dataplane
