// The data plane as one object: ports, mbuf pools, rings, shared tables and the data-path lcores.
//
// Life cycle (all on the main lcore): create() after rte_eal_init — probes and starts every port;
// launch() starts the worker lcores; stop() asks them to finish and waits; the destructor stops
// and closes the ports and frees every pool, ring and table. Tests may skip launch() and drive
// workers directly with worker(i).poll_once().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mcsnoop/dataplane/clock.hpp"
#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"
#include "mcsnoop/dataplane/pending_macs.hpp"
#include "mcsnoop/dataplane/port_info.hpp"
#include "mcsnoop/dataplane/spec.hpp"
#include "mcsnoop/dataplane/tx_stage.hpp"
#include "mcsnoop/dataplane/worker.hpp"

namespace mcsnoop::mft { class Table; }
namespace mcsnoop::rcu { class RcuDomain; }
namespace mcsnoop::l2 { class MacTable; }

namespace mcsnoop::dataplane {

// The MAC table limit of port `p`: its max_macs, or when unset a fair share of the table
// (mac_table_size / number of ports, at least 1). 0 = no per-port limit.
uint32_t max_macs(const SwitchSpec& spec, PortId p);

class Dataplane {
 public:
  // Returns null and sets *err (naming the port) when a port cannot be probed or started.
  static std::unique_ptr<Dataplane> create(const SwitchSpec& spec, std::string* err);
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  // Starts every data-path lcore of the spec (rte_eal_remote_launch).
  bool launch(std::string* err);
  // Stops the data-path lcores and waits for them (idempotent).
  void stop();
  // stop(), then drops every frame still queued between lcores and stops and closes the ports.
  // Afterwards mbufs_in_use() is 0 unless something leaked. Idempotent; the destructor calls it.
  void shutdown();

  // Live reload (reconfigure.cpp), control lcore only: takes over the settings of `next` a
  // running switch may change (each VLAN's snooping flags; each port's punt rate, reserved
  // addresses, BPDU mode, storm control, MAC limit; the MAC move limit) into spec(), the
  // workers' ForwardingState and the MAC table. The caller has checked that `next` has the
  // same ports, VLANs and lcores; other fields of `next` are ignored. A lowered MAC limit keeps
  // the addresses already learned and refuses new ones.
  void reconfigure(const SwitchSpec& next);

  unsigned port_count() const { return static_cast<unsigned>(ports_.size()); }
  const PortInfo& port_info(PortId p) const { return ports_[p]; }
  std::span<const PortInfo> ports() const { return ports_; }
  ForwardingState& state() { return *state_; }
  mft::Table& mft() { return *mft_; }
  l2::MacTable& macs() { return *macs_; }
  // Addresses workers learned that the MAC table does not show yet (the control lcore retires
  // each after applying its LearnEvent).
  PendingMacs& pending_macs() { return *pending_macs_; }
  rcu::RcuDomain& rcu() { return *rcu_; }
  rte_ring* punt_ring() { return punt_; }
  rte_ring* learn_ring() { return learn_; }
  rte_mempool* packet_pool() { return pkt_pool_; }
  const TscClock& clock() const { return clock_; }
  const SwitchSpec& spec() const { return spec_; }

  // The control lcore's transmit path and its per-port counters.
  TxStage& control_tx() { return control_tx_; }
  PortCounters& control_counters(PortId p) { return control_counters_[p]; }
  std::span<PortCounters> control_counters() { return control_counters_; }

  unsigned worker_count() const { return static_cast<unsigned>(workers_.size()); }
  Worker& worker(unsigned i) { return *workers_[i]; }
  unsigned tx_worker_count() const { return static_cast<unsigned>(tx_workers_.size()); }
  TxWorker& tx_worker(unsigned i) { return *tx_workers_[i]; }
  // Split roles: the rings from RX lcores to TX lcores; the inject ring (null when every port
  // has a control TX queue). For tests and diagnostics.
  unsigned handoff_ring_count() const { return static_cast<unsigned>(handoff_.size()); }
  rte_ring* handoff_ring(unsigned i) { return handoff_[i]; }
  rte_ring* inject_ring() { return inject_; }

  // Counters of a port summed over every lcore. Safe from the control lcore while workers run
  // (each 64-bit counter is read whole; the sum is a snapshot, not atomic across counters).
  PortCounters port_counters(PortId p) const;
  // In-use mbufs of every pool (0 once everything is freed).
  unsigned mbufs_in_use() const;

 private:
  Dataplane() = default;
  bool setup_port(PortId id, std::string* err);
  bool configure_segments(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf, PortInfo* pi,
                          std::string* err);

  SwitchSpec spec_;
  TscClock clock_;
  std::vector<PortInfo> ports_;
  std::unique_ptr<ForwardingState> state_;
  std::unique_ptr<rcu::RcuDomain> rcu_;
  std::unique_ptr<mft::Table> mft_;
  std::unique_ptr<l2::MacTable> macs_;
  std::unique_ptr<PendingMacs> pending_macs_;
  rte_mempool* pkt_pool_ = nullptr;
  rte_mempool* hdr_pool_ = nullptr;
  rte_mempool* clone_pool_ = nullptr;
  rte_ring* punt_ = nullptr;
  rte_ring* learn_ = nullptr;
  rte_ring* inject_ = nullptr;
  std::vector<rte_ring*> handoff_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<TxWorker>> tx_workers_;
  TxStage control_tx_;
  std::vector<PortCounters> control_counters_;
  std::vector<std::unique_ptr<std::function<void()>>> launch_fns_;
  std::vector<unsigned> launched_lcores_;     // RX (or run-to-completion) lcores
  std::vector<unsigned> launched_tx_lcores_;  // split roles: TX lcores, stopped after the RX ones
  std::atomic<bool> stop_{false};
  std::atomic<bool> stop_tx_{false};
  bool launched_ = false;
  bool ports_started_ = false;
};

}  // namespace mcsnoop::dataplane
