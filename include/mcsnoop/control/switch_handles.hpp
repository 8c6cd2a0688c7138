// What the control plane is handed by the switch that owns every resource: the rings it
// drains, its own TX path, writer handles of the tables the workers read, and read-only views
// of the ports (their link state and NIC counters included) and of the data-path lcores. The control plane owns none of these and never
// sees the data plane (the workers) itself.
//
// Thread safety: every referenced object outlives the ControlPlane. The control lcore is the
// only user of the writer handles (mft, macs, pending's retire side, state's writer calls) and
// of tx; the data-path lcores read the same objects lock-free as each one's header states.
// `ports` and `lcores` do not change after the switch is built; `spec` changes only through
// `reconfigure`, which runs on the control lcore.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "mcsnoop/dataplane/clock.hpp"
#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"
#include "mcsnoop/dataplane/lcore_cycles.hpp"
#include "mcsnoop/dataplane/pending_macs.hpp"
#include "mcsnoop/dataplane/port_info.hpp"
#include "mcsnoop/dataplane/port_status.hpp"
#include "mcsnoop/dataplane/spec.hpp"
#include "mcsnoop/dataplane/tx_stage.hpp"

namespace mcsnoop::mft { class Table; }
namespace mcsnoop::l2 { class MacTable; }

namespace mcsnoop::control {

// One data-path lcore, read-only: where it runs, its busy/idle cycles and its per-port
// counters (port_count() entries; each 64-bit counter is read whole while the lcore runs).
struct LcoreHandle {
  unsigned lcore;   // EAL lcore id
  const char* role; // "worker" (run to completion), "rx" or "tx" (split roles)
  const dataplane::LcoreCycles* cycles;
  const dataplane::PortCounters* counters;
};

struct SwitchHandles {
  // Ports in PortId order, and what their drivers report (link, NIC counters, MTU): the
  // control plane reads the ports through port_status only.
  std::span<const dataplane::PortInfo> ports;
  const dataplane::PortStatus& port_status;
  // The settings the switch runs with (live reload changes them through `reconfigure`).
  const dataplane::SwitchSpec& spec;
  const dataplane::TscClock& clock;

  // Rings the workers fill and only the control lcore drains (single consumer).
  rte_ring* punt;   // control frames (mbufs)
  rte_ring* learn;  // dataplane::LearnEvent elements

  // The control TX path: frames the control lcore originates come from `packet_pool`; `tx`
  // replicates and sends them on the control lcore's own queues (or the inject ring) and counts
  // into `tx_counters` (one per port).
  rte_mempool* packet_pool;
  dataplane::TxStage& tx;
  std::span<dataplane::PortCounters> tx_counters;

  // Writer handles of what the workers read (the control lcore is the only writer).
  mft::Table& mft;
  l2::MacTable& macs;
  dataplane::PendingMacs& pending;
  dataplane::ForwardingState& state;

  // The data-path lcores, for counters and load.
  std::vector<LcoreHandle> lcores;

  // Takes over the run-time settings of `next` into the switch (spec, forwarding state, MAC
  // limits): app::Switch::reconfigure. Control lcore only.
  std::function<void(const dataplane::SwitchSpec& next)> reconfigure;
  // Sets every port's MTU that differs in `next` (app::Switch::set_mtus), all or none: false,
  // with *err naming the port and why it needs a restart, when a device cannot take its new MTU
  // while running (the others changed are set back). Control lcore only; may be empty.
  std::function<bool(const dataplane::SwitchSpec& next, std::string* err)> set_mtus;
};

}  // namespace mcsnoop::control
