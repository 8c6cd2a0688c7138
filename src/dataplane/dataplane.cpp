#include "mcsnoop/dataplane/dataplane.hpp"

#include <functional>

#include <rte_launch.h>
#include <rte_lcore.h>

namespace mcsnoop::dataplane {

namespace {

int lcore_entry(void* arg) {
  auto* fn = static_cast<std::function<void()>*>(arg);
  (*fn)();
  return 0;
}

// TX lcore (or run-to-completion worker) `tx_index` transmits on queue `tx_index` of every port.
std::vector<TxTarget> targets_for(std::span<const PortInfo> ports, unsigned tx_index) {
  std::vector<TxTarget> t(ports.size());
  for (PortId p = 0; p < ports.size(); ++p)
    t[p] = TxTarget{ports[p].dpdk_port, static_cast<uint16_t>(tx_index), nullptr, ports[p].tx_multi_seg};
  return t;
}

}  // namespace

Dataplane::Dataplane(const WorkerResources& r) : lcores_(*r.lcores) {
  build_workers(r);
  if (lcores_.split()) build_tx_workers(r);
}

Dataplane::~Dataplane() { stop(); }

void Dataplane::build_workers(const WorkerResources& r) {
  const bool split = lcores_.split();
  const unsigned rx_lcores = static_cast<unsigned>(split ? lcores_.rx.size() : lcores_.workers.size());
  const unsigned nports = static_cast<unsigned>(r.ports.size());
  for (unsigned w = 0; w < rx_lcores; ++w) {
    std::vector<RxQueue> rxqs;
    for (PortId p = 0; p < nports; ++p)
      if (w < r.ports[p].rx_queues) rxqs.push_back(RxQueue{p, r.ports[p].dpdk_port, static_cast<uint16_t>(w)});
    rte_ring* handoff = split ? r.handoff[w] : nullptr;
    rte_ring* inject = (!split && w == 0) ? r.inject : nullptr;
    workers_.push_back(std::make_unique<Worker>(w, r.shared, std::move(rxqs),
                                                split ? std::vector<TxTarget>(nports) : targets_for(r.ports, w),
                                                r.header_pool, r.clone_pool, handoff, inject));
  }
}

// Split roles: RX lcore w feeds TX lcore w % tx_lcores, which may read several handoff rings.
void Dataplane::build_tx_workers(const WorkerResources& r) {
  const unsigned tx_lcores = static_cast<unsigned>(lcores_.tx.size());
  const unsigned nports = static_cast<unsigned>(r.ports.size());
  for (unsigned t = 0; t < tx_lcores; ++t) {
    std::vector<rte_ring*> inputs;
    for (unsigned w = 0; w < r.handoff.size(); ++w)
      if (w % tx_lcores == t) inputs.push_back(r.handoff[w]);
    tx_workers_.push_back(std::make_unique<TxWorker>(t, std::move(inputs), targets_for(r.ports, t), r.shared.state,
                                                     r.header_pool, r.clone_pool, nports,
                                                     t == 0 ? r.inject : nullptr));
  }
}

bool Dataplane::launch(std::string* err) {
  if (launched_) return true;
  stop_.store(false);
  stop_tx_.store(false);
  auto start = [&](unsigned lcore, std::function<void()>* fn) -> bool {
    if (rte_eal_remote_launch(lcore_entry, fn, lcore) != 0) {
      *err = "cores: cannot launch on lcore " + std::to_string(lcore) + " (is it in the EAL core list and idle?)";
      return false;
    }
    return true;
  };
  launch_fns_.clear();
  const auto& rx = lcores_.split() ? lcores_.rx : lcores_.workers;
  for (unsigned i = 0; i < workers_.size(); ++i)
    launch_fns_.push_back(std::make_unique<std::function<void()>>([this, i] { workers_[i]->run(stop_); }));
  for (unsigned i = 0; i < tx_workers_.size(); ++i)
    launch_fns_.push_back(std::make_unique<std::function<void()>>([this, i] { tx_workers_[i]->run(stop_tx_); }));
  for (unsigned i = 0; i < workers_.size(); ++i) {
    if (!start(rx[i], launch_fns_[i].get())) return false;
    launched_lcores_.push_back(rx[i]);
  }
  for (unsigned i = 0; i < tx_workers_.size(); ++i) {
    if (!start(lcores_.tx[i], launch_fns_[workers_.size() + i].get())) return false;
    launched_tx_lcores_.push_back(lcores_.tx[i]);
  }
  launched_ = true;
  return true;
}

void Dataplane::stop() {
  // RX lcores first; once they have returned nothing more enters the handoff rings, and the TX
  // lcores, stopped after them, transmit everything that was handed to them before returning.
  stop_.store(true);
  for (unsigned lc : launched_lcores_) rte_eal_wait_lcore(lc);
  launched_lcores_.clear();
  stop_tx_.store(true);
  for (unsigned lc : launched_tx_lcores_) rte_eal_wait_lcore(lc);
  launched_tx_lcores_.clear();
  launched_ = false;
}

PortCounters Dataplane::port_counters(PortId p) const {
  PortCounters sum;
  for (const auto& w : workers_) sum += w->counters()[p];
  for (const auto& t : tx_workers_) sum += t->counters()[p];
  return sum;
}

}  // namespace mcsnoop::dataplane
