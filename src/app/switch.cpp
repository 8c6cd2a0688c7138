#include "mcsnoop/app/switch.hpp"

#include <algorithm>
#include <atomic>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "mcsnoop/core/object_name.hpp"
#include "mcsnoop/dataplane/learn_event.hpp"
#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"

namespace mcsnoop::app {

using dataplane::PortCounters;
using dataplane::PortInfo;
using dataplane::SwitchSpec;

namespace {

constexpr unsigned kPoolCache = 256;
constexpr unsigned kPuntRingSize = 4096;
constexpr unsigned kLearnRingSize = 16384;
constexpr unsigned kInjectRingSize = 4096;
constexpr unsigned kHandoffRingSize = 8192;


}  // namespace

uint32_t max_macs(const SwitchSpec& spec, PortId p) {
  if (const auto& set = spec.ports[p].max_macs) return *set;
  // The fair share: with every port at its limit the table is just full, so no port can keep
  // another's hosts from being learned.
  return std::max<uint32_t>(1, spec.mac_table_size / static_cast<uint32_t>(spec.ports.size()));
}

Switch::Switch(const SwitchSpec& spec) : spec_(spec) {}

unsigned Switch::rx_lcores() const {
  return static_cast<unsigned>(spec_.lcores.split() ? spec_.lcores.rx.size() : spec_.lcores.workers.size());
}
unsigned Switch::tx_lcores() const {
  return static_cast<unsigned>(spec_.lcores.split() ? spec_.lcores.tx.size() : spec_.lcores.workers.size());
}

std::unique_ptr<Switch> Switch::create(const SwitchSpec& spec, std::string* err) {
  if (!dataplane::register_mbuf_meta()) {
    *err = "cannot register the mbuf metadata field: " + std::string(rte_strerror(rte_errno));
    return nullptr;
  }
  const size_t nports = spec.ports.size();
  if (nports == 0 || nports > kMaxPorts) {
    *err = "ports: between 1 and " + std::to_string(kMaxPorts) + " ports are supported";
    return nullptr;
  }
  std::unique_ptr<Switch> sw(new Switch(spec));
  if (sw->rx_lcores() == 0 || sw->tx_lcores() == 0) {
    *err = "cores: at least one worker lcore is needed";
    return nullptr;
  }
  sw->state_ = std::make_unique<dataplane::ForwardingState>(spec, sw->clock_.hz());
  if (!sw->size_devices_for_mtu(err) || !sw->create_pools(err) || !sw->create_rings(err) || !sw->create_tables(err)) return nullptr;
  sw->ports_.resize(nports);
  for (PortId p = 0; p < nports; ++p)
    if (!sw->setup_port(p, err)) return nullptr;
  if (!sw->create_control_tx(err)) return nullptr;
  sw->create_workers();
  if (!sw->start_ports(err)) return nullptr;
  sw->port_status_ = dataplane::PortStatus(sw->ports_);
  return sw;
}

// Packet pool: RX rings of every queue, in-flight TX, per-lcore caches, and headroom for the
// punt and handoff rings. Its mbufs hold the longest frame any port accepts (rx_frame_room):
// 2048 bytes of data with every MTU at 1500; larger for jumbo frames (as OVS-DPDK sizes its
// mempools by MTU), so that a jumbo frame is one mbuf on RX and a flat copy for a port without
// MULTI_SEGS fits one too. Header and clone pools: the replication path's (tx_stage.hpp).
bool Switch::create_pools(std::string* err) {
  const int socket = static_cast<int>(rte_socket_id());
  const unsigned nports = static_cast<unsigned>(spec_.ports.size());
  const unsigned want = std::max<unsigned>(
      spec_.mbufs, nports * (kRxDesc + kTxDesc) * std::max(rx_lcores(), tx_lcores()) + 8192);
  uint32_t frame = RTE_MBUF_DEFAULT_DATAROOM;
  for (const dataplane::PortSpec& ps : spec_.ports) frame = std::max(frame, rx_frame_room(ps));
  const uint32_t buf = RTE_PKTMBUF_HEADROOM + RTE_ALIGN_CEIL(frame, RTE_CACHE_LINE_SIZE);
  if (buf > UINT16_MAX) {
    *err = "ports: a port's longest frame (" + std::to_string(frame) + " bytes) does not fit an mbuf";
    return false;
  }
  pkt_pool_ = rte_pktmbuf_pool_create(core::unique_object_name("pkt").c_str(), want, kPoolCache, 0,
                                      static_cast<uint16_t>(buf), socket);
  hdr_pool_ = rte_pktmbuf_pool_create(core::unique_object_name("hdr").c_str(), 16383, kPoolCache, 0, RTE_PKTMBUF_HEADROOM + 64,
                                      socket);
  clone_pool_ = rte_pktmbuf_pool_create(core::unique_object_name("clone").c_str(), 16383, kPoolCache, 0, 0, socket);
  if (!pkt_pool_ || !hdr_pool_ || !clone_pool_) {
    *err = "cannot create mbuf pools: " + std::string(rte_strerror(rte_errno));
    return false;
  }
  return true;
}

// The punt and learn rings (workers -> control lcore), and in split roles one single-producer
// handoff ring per RX lcore (Worker::deliver enqueues with rte_ring_sp_enqueue).
//
// The workers enqueue on the punt and learn rings in relaxed-tail-sync mode (RTS): a producer
// never waits for another to finish its copy. In the default multi-producer mode it does, and a
// worker preempted between reserving room and publishing it (lcores sharing CPUs, a VM's vCPU
// descheduled) stalls every other worker at its next enqueue until it runs again.
bool Switch::create_rings(std::string* err) {
  const int socket = static_cast<int>(rte_socket_id());
  constexpr unsigned kWorkersToControl = RING_F_MP_RTS_ENQ | RING_F_SC_DEQ;
  punt_ = rte_ring_create(core::unique_object_name("punt").c_str(), kPuntRingSize, socket, kWorkersToControl);
  learn_ = rte_ring_create_elem(core::unique_object_name("learn").c_str(), sizeof(dataplane::LearnEvent), kLearnRingSize, socket,
                                kWorkersToControl);
  if (!punt_ || !learn_) {
    *err = "cannot create rings: " + std::string(rte_strerror(rte_errno));
    return false;
  }
  if (!spec_.lcores.split()) return true;
  for (unsigned i = 0; i < rx_lcores(); ++i) {
    handoff_.push_back(rte_ring_create(core::unique_object_name("handoff").c_str(), kHandoffRingSize, socket,
                                       RING_F_SP_ENQ | RING_F_SC_DEQ));
    if (!handoff_.back()) {
      *err = "cannot create handoff rings";
      return false;
    }
  }
  return true;
}

// The RCU domain (one reader per RX lcore) and the tables published through it.
bool Switch::create_tables(std::string* err) {
  try {
    rcu_ = std::make_unique<rcu::RcuDomain>(rx_lcores());
    mft_ = std::make_unique<mft::Table>(*rcu_, spec_.mft_capacity);
    macs_ = std::make_unique<l2::MacTable>(*rcu_, spec_.mac_table_size);
    for (PortId p = 0; p < spec_.ports.size(); ++p) macs_->set_port_limit(p, max_macs(spec_, p));
    pending_macs_ = std::make_unique<dataplane::PendingMacs>(rte_rand());
  } catch (const std::exception& e) {
    *err = std::string("cannot create tables: ") + e.what();
    return false;
  }
  return true;
}

// The control lcore transmits on the queue after the TX lcores' of each port, or through the
// inject ring to TX lcore 0 where the device has no queue left.
bool Switch::create_control_tx(std::string* err) {
  const bool need_inject = std::any_of(ports_.begin(), ports_.end(), [](const PortInfo& pi) { return !pi.control_queue; });
  if (need_inject) {
    inject_ = rte_ring_create_elem(core::unique_object_name("inject").c_str(), sizeof(dataplane::InjectItem), kInjectRingSize,
                                   static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (!inject_) {
      *err = "cannot create the inject ring";
      return false;
    }
  }
  std::vector<dataplane::TxTarget> targets(ports_.size());
  for (PortId p = 0; p < ports_.size(); ++p) {
    const PortInfo& pi = ports_[p];
    targets[p] = pi.control_queue
                     ? dataplane::TxTarget{pi.dpdk_port, static_cast<uint16_t>(tx_lcores()), nullptr, pi.tx_multi_seg}
                     : dataplane::TxTarget{pi.dpdk_port, 0, inject_, pi.tx_multi_seg};
  }
  control_counters_.resize(ports_.size());
  control_tx_.init(std::move(targets), hdr_pool_, clone_pool_, control_counters_.data(), state_.get());
  return true;
}

void Switch::create_workers() {
  dataplane::WorkerResources r;
  r.lcores = &spec_.lcores;
  r.ports = ports_;
  r.shared.state = state_.get();
  r.shared.mft = mft_.get();
  r.shared.macs = macs_.get();
  r.shared.rcu = rcu_.get();
  r.shared.punt = punt_;
  r.shared.learn = learn_;
  r.shared.pending = pending_macs_.get();
  r.shared.clock = &clock_;
  r.shared.mac_refresh_ms = std::max<uint64_t>(1000, static_cast<uint64_t>(spec_.mac_aging.count()) / 4);
  r.header_pool = hdr_pool_;
  r.clone_pool = clone_pool_;
  r.inject = inject_;
  r.handoff = handoff_;
  workers_ = std::make_unique<dataplane::Dataplane>(r);
}

control::SwitchHandles Switch::control_handles() {
  control::SwitchHandles h{
      .ports = ports_,
      .port_status = port_status_,
      .spec = spec_,
      .clock = clock_,
      .punt = punt_,
      .learn = learn_,
      .packet_pool = pkt_pool_,
      .tx = control_tx_,
      .tx_counters = control_counters_,
      .mft = *mft_,
      .macs = *macs_,
      .pending = *pending_macs_,
      .state = *state_,
      .lcores = {},
      .reconfigure = [this](const SwitchSpec& next) { reconfigure(next); },
      .set_mtus = [this](const SwitchSpec& next, std::string* err) { return set_mtus(next, err); },
  };
  const dataplane::LcoreSpec& lc = spec_.lcores;
  const std::vector<unsigned>& rx = lc.split() ? lc.rx : lc.workers;
  for (unsigned i = 0; i < worker_count() && i < rx.size(); ++i)
    h.lcores.push_back({rx[i], lc.split() ? "rx" : "worker", &worker(i).cycles(), worker(i).counters()});
  for (unsigned i = 0; i < tx_worker_count() && i < lc.tx.size(); ++i)
    h.lcores.push_back({lc.tx[i], "tx", &tx_worker(i).cycles(), tx_worker(i).counters()});
  return h;
}

void Switch::reconfigure(const SwitchSpec& next) {
  for (dataplane::VlanSpec& v : spec_.vlans) {
    for (const dataplane::VlanSpec& n : next.vlans) {
      if (n.id != v.id) continue;
      v.snoop_igmp = n.snoop_igmp;
      v.snoop_mld = n.snoop_mld;
    }
  }
  for (PortId p = 0; p < spec_.ports.size() && p < next.ports.size(); ++p) {
    dataplane::PortSpec& ps = spec_.ports[p];
    const dataplane::PortSpec& np = next.ports[p];
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

PortCounters Switch::port_counters(PortId p) const {
  PortCounters sum = control_counters_[p];
  sum += workers_->port_counters(p);
  return sum;
}

unsigned Switch::mbufs_in_use() const {
  unsigned n = 0;
  for (rte_mempool* mp : {pkt_pool_, hdr_pool_, clone_pool_})
    if (mp) n += rte_mempool_in_use_count(mp);
  return n;
}

void Switch::shutdown() {
  if (workers_) workers_->stop();
  // Drop whatever is still queued between lcores.
  auto drain_ptr_ring = [](rte_ring* r) {
    if (!r) return;
    void* objs[64];
    unsigned n;
    while ((n = rte_ring_dequeue_burst(r, objs, 64, nullptr)) > 0)
      rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(objs), n);
  };
  drain_ptr_ring(punt_);
  for (rte_ring* r : handoff_) drain_ptr_ring(r);
  // The control lcore's buffered frames first: those for inject targets land in the inject ring.
  control_tx_.flush();
  if (inject_) {
    dataplane::InjectItem items[32];
    unsigned n;
    while ((n = rte_ring_dequeue_burst_elem(inject_, items, sizeof(items[0]), 32, nullptr)) > 0)
      for (unsigned i = 0; i < n; ++i) rte_pktmbuf_free(items[i].m);
  }
  close_ports();
  // Entries hold no mbufs, but the RCU defer queues must be empty before the pools go.
  if (mft_) mft_->reclaim();
}

Switch::~Switch() {
  shutdown();
  workers_.reset();
  // Tables go before the RCU domain they are attached to.
  macs_.reset();
  mft_.reset();
  rcu_.reset();
  rte_ring_free(punt_);
  rte_ring_free(learn_);
  rte_ring_free(inject_);
  for (rte_ring* r : handoff_) rte_ring_free(r);
  rte_mempool_free(clone_pool_);
  rte_mempool_free(hdr_pool_);
  rte_mempool_free(pkt_pool_);
}

}  // namespace mcsnoop::app
