// The control plane's handles, taken from the Dataplane that owns the resources today.
#include "mcsnoop/control/switch_handles.hpp"
#include "mcsnoop/dataplane/dataplane.hpp"

namespace mcsnoop::control {

SwitchHandles handles_of(dataplane::Dataplane& dp) {
  SwitchHandles h{
      .ports = dp.ports(),
      .spec = dp.spec(),
      .clock = dp.clock(),
      .punt = dp.punt_ring(),
      .learn = dp.learn_ring(),
      .packet_pool = dp.packet_pool(),
      .tx = dp.control_tx(),
      .tx_counters = dp.control_counters(),
      .mft = dp.mft(),
      .macs = dp.macs(),
      .pending = dp.pending_macs(),
      .state = dp.state(),
      .lcores = {},
      .reconfigure = [&dp](const dataplane::SwitchSpec& next) { dp.reconfigure(next); },
  };
  const dataplane::LcoreSpec& lc = dp.spec().lcores;
  const std::vector<unsigned>& rx_lcores = lc.split() ? lc.rx : lc.workers;
  for (unsigned i = 0; i < dp.worker_count() && i < rx_lcores.size(); ++i)
    h.lcores.push_back({rx_lcores[i], lc.split() ? "rx" : "worker", &dp.worker(i).cycles(), dp.worker(i).counters()});
  for (unsigned i = 0; i < dp.tx_worker_count() && i < lc.tx.size(); ++i)
    h.lcores.push_back({lc.tx[i], "tx", &dp.tx_worker(i).cycles(), dp.tx_worker(i).counters()});
  return h;
}

}  // namespace mcsnoop::control
