// The data plane: the data-path lcores and nothing else. It owns the Worker and TxWorker
// objects (RX stage, TX stage, split-role handoff) and starts and stops their lcores; every
// port, pool, ring and table they use belongs to the switch (app::Switch), which lends them
// through WorkerResources and outlives the Dataplane.
//
// Life cycle (main lcore): construct once the switch has set up its ports; launch() starts
// the lcores; stop() asks them to finish and waits. Tests may skip launch() and drive the
// workers directly with worker(i).poll_once().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/port_info.hpp"
#include "mcsnoop/dataplane/spec.hpp"
#include "mcsnoop/dataplane/worker.hpp"

namespace mcsnoop::dataplane {

// What the switch lends the workers; every pointer stays valid for the Dataplane's lifetime.
struct WorkerResources {
  const LcoreSpec* lcores = nullptr;
  std::span<const PortInfo> ports;  // after setup: queues and offloads per port
  SharedTables shared;              // tables, punt and learn rings, clock
  rte_mempool* header_pool = nullptr;
  rte_mempool* clone_pool = nullptr;
  rte_ring* inject = nullptr;          // control frames for ports without a control TX queue, or null
  std::span<rte_ring* const> handoff;  // split roles: one ring per RX lcore (else empty)
};

class Dataplane {
 public:
  explicit Dataplane(const WorkerResources& r);
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  // Starts every data-path lcore (rte_eal_remote_launch); false with *err naming the lcore.
  bool launch(std::string* err);
  // Stops the data-path lcores and waits for them (idempotent): RX lcores first, then the
  // TX lcores, which transmit everything handed to them before they return.
  void stop();

  unsigned worker_count() const { return static_cast<unsigned>(workers_.size()); }
  Worker& worker(unsigned i) { return *workers_[i]; }
  const Worker& worker(unsigned i) const { return *workers_[i]; }
  unsigned tx_worker_count() const { return static_cast<unsigned>(tx_workers_.size()); }
  TxWorker& tx_worker(unsigned i) { return *tx_workers_[i]; }
  const TxWorker& tx_worker(unsigned i) const { return *tx_workers_[i]; }

  // Counters of a port summed over every data-path lcore. Safe from any thread while the
  // lcores run (each 64-bit counter is read whole; the sum is a snapshot).
  PortCounters port_counters(PortId p) const;

 private:
  void build_workers(const WorkerResources& r);
  void build_tx_workers(const WorkerResources& r);

  const LcoreSpec& lcores_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<TxWorker>> tx_workers_;
  std::vector<std::unique_ptr<std::function<void()>>> launch_fns_;
  std::vector<unsigned> launched_lcores_;     // RX (or run-to-completion) lcores
  std::vector<unsigned> launched_tx_lcores_;  // split roles: TX lcores, stopped after the RX ones
  std::atomic<bool> stop_{false};
  std::atomic<bool> stop_tx_{false};
  bool launched_ = false;
};

}  // namespace mcsnoop::dataplane
