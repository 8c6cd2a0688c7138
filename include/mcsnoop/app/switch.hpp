// The switch: the one owner of every resource the data and control planes share. It sets up
// the ports (ethdev, queues, offloads) and owns the reads of their link and counters
// (dataplane::PortStatus), creates the mbuf pools, the rings between lcores
// (punt, learn, inject, handoff), the tables (MFT, MAC table, pending MACs, forwarding state)
// and the RCU domain they publish through, and the control lcore's TX path. It lends them to
// the data plane (dataplane::Dataplane, the workers) and hands the control plane explicit
// handles (control_handles()); neither of the two owns or frees anything of it.
//
// Life cycle (all on the main lcore): create() after rte_eal_init probes, sets up and starts
// every port; launch() starts the worker lcores; stop() asks them to finish and waits;
// shutdown() also drains the rings and closes the ports; the destructor frees every table,
// ring and pool, tables before the RCU domain, the domain before nothing.
//
// Thread safety: create, launch, stop, shutdown and the destructor on the main lcore with the
// control lcore stopped; reconfigure() and the writer handles on the control lcore; the
// counter and table accessors as the objects they return state.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mcsnoop/control/switch_handles.hpp"
#include "mcsnoop/dataplane/clock.hpp"
#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/dataplane.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"
#include "mcsnoop/dataplane/pending_macs.hpp"
#include "mcsnoop/dataplane/port_info.hpp"
#include "mcsnoop/dataplane/port_status.hpp"
#include "mcsnoop/dataplane/spec.hpp"
#include "mcsnoop/dataplane/tx_stage.hpp"

namespace mcsnoop::mft { class Table; }
namespace mcsnoop::rcu { class RcuDomain; }
namespace mcsnoop::l2 { class MacTable; }

namespace mcsnoop::app {

// The bytes of mbuf data a frame received on port `ps` may need: the longest frame of its MTU
// (default 1500) with Ethernet header, two VLAN tags and CRC, or for net_af_packet its ring
// slot's data if larger (the PMD copies a slot into one mbuf). The packet pool's mbufs hold the
// largest over all ports.
uint32_t rx_frame_room(const dataplane::PortSpec& ps);

// The MAC table limit of port `p`: its max_macs, or when unset a fair share of the table
// (mac_table_size / number of ports, at least 1). 0 = no per-port limit.
uint32_t max_macs(const dataplane::SwitchSpec& spec, PortId p);

class Switch {
 public:
  // Returns null and sets *err (naming the config key, e.g. the port) when a resource cannot
  // be created or a port cannot be probed, configured or started.
  static std::unique_ptr<Switch> create(const dataplane::SwitchSpec& spec, std::string* err);
  ~Switch();
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  // Starts / stops the data-path lcores (dataplane::Dataplane::launch, stop).
  bool launch(std::string* err) { return workers_->launch(err); }
  void stop() { workers_->stop(); }
  // stop(), then drops every frame still queued between lcores and stops and closes the ports.
  // Afterwards mbufs_in_use() is 0 unless something leaked. Idempotent; the destructor calls it.
  void shutdown();

  // Live reload, control lcore only: takes over the settings of `next` a running switch may
  // change (each VLAN's snooping flags; each port's punt rate, reserved addresses, BPDU mode,
  // storm control, MAC limit; the MAC move limit) into spec(), the workers' ForwardingState and
  // the MAC table. The caller has checked that `next` has the same ports, VLANs and lcores;
  // other fields of `next` are ignored. A lowered MAC limit keeps the addresses already learned
  // and refuses new ones.
  void reconfigure(const dataplane::SwitchSpec& next);
  // Live reload, control lcore only: sets each port's MTU that differs in `next` (unset = 1500)
  // while the port runs, all or none. A change needs a restart, and is refused with *err
  // naming the port (`ports[NAME].mtu: ...`; the ports changed before it are set back), when
  // the receive buffers sized at start cannot hold the new MTU's frames (mbufs on a device
  // without RX scatter, af_packet ring slots) or the device refuses it while started (many NIC
  // drivers do; net_ring cannot change its MTU at all). `err` may be null.
  bool set_mtus(const dataplane::SwitchSpec& next, std::string* err);

  // What the control plane gets (switch_handles.hpp); valid while this Switch lives.
  control::SwitchHandles control_handles();

  unsigned port_count() const { return static_cast<unsigned>(ports_.size()); }
  const dataplane::PortInfo& port_info(PortId p) const { return ports_[p]; }
  std::span<const dataplane::PortInfo> ports() const { return ports_; }
  const dataplane::SwitchSpec& spec() const { return spec_; }
  const dataplane::TscClock& clock() const { return clock_; }
  dataplane::ForwardingState& state() { return *state_; }
  mft::Table& mft() { return *mft_; }
  l2::MacTable& macs() { return *macs_; }
  // Addresses workers learned that the MAC table does not show yet (the control lcore retires
  // each after applying its LearnEvent).
  dataplane::PendingMacs& pending_macs() { return *pending_macs_; }
  rcu::RcuDomain& rcu() { return *rcu_; }
  rte_ring* punt_ring() { return punt_; }
  rte_ring* learn_ring() { return learn_; }
  rte_mempool* packet_pool() { return pkt_pool_; }
  // The control lcore's transmit path and its per-port counters.
  dataplane::TxStage& control_tx() { return control_tx_; }
  dataplane::PortCounters& control_counters(PortId p) { return control_counters_[p]; }

  // The data plane (the workers), for tests and diagnostics.
  dataplane::Dataplane& data_plane() { return *workers_; }
  unsigned worker_count() const { return workers_->worker_count(); }
  dataplane::Worker& worker(unsigned i) { return workers_->worker(i); }
  unsigned tx_worker_count() const { return workers_->tx_worker_count(); }
  dataplane::TxWorker& tx_worker(unsigned i) { return workers_->tx_worker(i); }
  // Split roles: the rings from RX lcores to TX lcores; the inject ring (null when every port
  // has a control TX queue).
  unsigned handoff_ring_count() const { return static_cast<unsigned>(handoff_.size()); }
  rte_ring* handoff_ring(unsigned i) { return handoff_[i]; }
  rte_ring* inject_ring() { return inject_; }

  // Counters of a port summed over the control lcore and every data-path lcore. Safe from the
  // control lcore while workers run (each 64-bit counter is read whole; a snapshot).
  dataplane::PortCounters port_counters(PortId p) const;
  // In-use mbufs of every pool (0 once everything is freed).
  unsigned mbufs_in_use() const;

 private:
  static constexpr uint16_t kRxDesc = 1024;  // descriptors per RX queue (before the device adjusts)
  static constexpr uint16_t kTxDesc = 1024;  // per TX queue
  explicit Switch(const dataplane::SwitchSpec& spec);
  bool create_pools(std::string* err);
  bool create_rings(std::string* err);
  bool create_tables(std::string* err);
  // switch_ports.cpp
  bool setup_port(PortId id, std::string* err);
  bool configure_segments(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf,
                          dataplane::PortInfo* pi, std::string* err);
  bool size_devices_for_mtu(std::string* err);
  bool apply_mtu(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf, std::string* err);
  bool finish_mtu(PortId id, std::string* err);
  bool change_mtu(PortId id, std::optional<uint16_t> mtu, std::string* err);
  bool start_ports(std::string* err);
  void close_ports();
  // After the ports: the inject ring where a port has no control TX queue, the control TX path.
  bool create_control_tx(std::string* err);
  void create_workers();
  unsigned rx_lcores() const;
  unsigned tx_lcores() const;

  dataplane::SwitchSpec spec_;
  dataplane::TscClock clock_;
  std::vector<dataplane::PortInfo> ports_;
  // Link, NIC counters and MTU of ports_ for the control plane (set once the ports started).
  dataplane::PortStatus port_status_;
  // The RCU domain before the tables attached to it (destroyed after them).
  std::unique_ptr<rcu::RcuDomain> rcu_;
  std::unique_ptr<dataplane::ForwardingState> state_;
  std::unique_ptr<mft::Table> mft_;
  std::unique_ptr<l2::MacTable> macs_;
  std::unique_ptr<dataplane::PendingMacs> pending_macs_;
  rte_mempool* pkt_pool_ = nullptr;
  rte_mempool* hdr_pool_ = nullptr;
  rte_mempool* clone_pool_ = nullptr;
  rte_ring* punt_ = nullptr;
  rte_ring* learn_ = nullptr;
  rte_ring* inject_ = nullptr;
  std::vector<rte_ring*> handoff_;
  dataplane::TxStage control_tx_;
  std::vector<dataplane::PortCounters> control_counters_;
  std::unique_ptr<dataplane::Dataplane> workers_;
  bool ports_started_ = false;
};

}  // namespace mcsnoop::app
