#include "mcsnoop/dataplane/dataplane.hpp"

#include <algorithm>
#include <functional>
#include <cstring>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"

namespace mcsnoop::dataplane {

namespace {

constexpr uint16_t kRxDesc = 1024;
constexpr uint16_t kTxDesc = 1024;
constexpr unsigned kPoolCache = 256;
constexpr unsigned kPuntRingSize = 4096;
constexpr unsigned kLearnRingSize = 16384;
constexpr unsigned kInjectRingSize = 4096;
constexpr unsigned kHandoffRingSize = 8192;

// Unique object names, so that a process can build several data planes one after another.
std::string unique_name(const char* what) {
  static std::atomic<unsigned> seq{0};
  return std::string("mcs_") + what + "_" + std::to_string(seq.fetch_add(1));
}

// "net_pcap0,rx_pcap=a.pcap" -> "net_pcap0"; "0000:03:00.0" stays as it is.
std::string device_name(const std::string& device) { return device.substr(0, device.find(',')); }

int lcore_entry(void* arg) {
  auto* fn = static_cast<std::function<void()>*>(arg);
  (*fn)();
  return 0;
}

}  // namespace

uint32_t max_macs(const SwitchSpec& spec, PortId p) {
  if (const auto& set = spec.ports[p].max_macs) return *set;
  // The fair share: with every port at its limit the table is just full, so no port can keep
  // another's hosts from being learned.
  return std::max<uint32_t>(1, spec.mac_table_size / static_cast<uint32_t>(spec.ports.size()));
}

std::unique_ptr<Dataplane> Dataplane::create(const SwitchSpec& spec, std::string* err) {
  if (!register_mbuf_meta()) {
    *err = "cannot register the mbuf metadata field: " + std::string(rte_strerror(rte_errno));
    return nullptr;
  }
  std::unique_ptr<Dataplane> dp(new Dataplane());
  dp->spec_ = spec;
  const unsigned nports = static_cast<unsigned>(spec.ports.size());
  if (nports == 0 || nports > kMaxPorts) {
    *err = "ports: between 1 and " + std::to_string(kMaxPorts) + " ports are supported";
    return nullptr;
  }
  dp->state_ = std::make_unique<ForwardingState>(spec, dp->clock_.hz());
  const int socket = static_cast<int>(rte_socket_id());

  const unsigned rx_lcores = spec.lcores.split() ? spec.lcores.rx.size() : spec.lcores.workers.size();
  const unsigned tx_lcores = spec.lcores.split() ? spec.lcores.tx.size() : spec.lcores.workers.size();
  if (rx_lcores == 0 || tx_lcores == 0) {
    *err = "cores: at least one worker lcore is needed";
    return nullptr;
  }

  // Packet pool: RX rings of every queue, in-flight TX, per-lcore caches, and headroom for the
  // punt and handoff rings.
  const unsigned want = std::max<unsigned>(
      spec.mbufs, nports * (kRxDesc + kTxDesc) * std::max(rx_lcores, tx_lcores) + 8192);
  dp->pkt_pool_ = rte_pktmbuf_pool_create(unique_name("pkt").c_str(), want, kPoolCache, 0,
                                          RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  dp->hdr_pool_ = rte_pktmbuf_pool_create(unique_name("hdr").c_str(), 16383, kPoolCache, 0,
                                          RTE_PKTMBUF_HEADROOM + 64, socket);
  dp->clone_pool_ = rte_pktmbuf_pool_create(unique_name("clone").c_str(), 16383, kPoolCache, 0, 0, socket);
  if (!dp->pkt_pool_ || !dp->hdr_pool_ || !dp->clone_pool_) {
    *err = "cannot create mbuf pools: " + std::string(rte_strerror(rte_errno));
    return nullptr;
  }
  dp->punt_ = rte_ring_create(unique_name("punt").c_str(), kPuntRingSize, socket, RING_F_SC_DEQ);
  dp->learn_ = rte_ring_create_elem(unique_name("learn").c_str(), sizeof(LearnEvent), kLearnRingSize,
                                    socket, RING_F_SC_DEQ);
  if (!dp->punt_ || !dp->learn_) {
    *err = "cannot create rings: " + std::string(rte_strerror(rte_errno));
    return nullptr;
  }

  try {
    dp->rcu_ = std::make_unique<rcu::RcuDomain>(rx_lcores);
    dp->mft_ = std::make_unique<mft::Table>(*dp->rcu_, spec.mft_capacity);
    dp->macs_ = std::make_unique<l2::MacTable>(*dp->rcu_, spec.mac_table_size);
    for (PortId p = 0; p < nports; ++p) dp->macs_->set_port_limit(p, max_macs(spec, p));
    dp->pending_macs_ = std::make_unique<PendingMacs>(rte_rand());
  } catch (const std::exception& e) {
    *err = std::string("cannot create tables: ") + e.what();
    return nullptr;
  }

  dp->ports_.resize(nports);
  for (PortId p = 0; p < nports; ++p)
    if (!dp->setup_port(p, err)) return nullptr;

  // TX targets: TX lcore i uses queue i of every port; the control lcore the queue after them,
  // or the inject ring to TX lcore 0 where the device has no queue left.
  bool need_inject = false;
  for (const PortInfo& pi : dp->ports_) need_inject |= !pi.control_queue;
  if (need_inject) {
    dp->inject_ = rte_ring_create_elem(unique_name("inject").c_str(), sizeof(InjectItem), kInjectRingSize,
                                       socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (!dp->inject_) {
      *err = "cannot create the inject ring";
      return nullptr;
    }
  }
  auto targets_for = [&](unsigned tx_index) {
    std::vector<TxTarget> t(nports);
    for (PortId p = 0; p < nports; ++p)
      t[p] = TxTarget{dp->ports_[p].dpdk_port, static_cast<uint16_t>(tx_index), nullptr, dp->ports_[p].tx_multi_seg};
    return t;
  };
  std::vector<TxTarget> control_targets(nports);
  for (PortId p = 0; p < nports; ++p) {
    const PortInfo& pi = dp->ports_[p];
    control_targets[p] = pi.control_queue
                             ? TxTarget{pi.dpdk_port, static_cast<uint16_t>(tx_lcores), nullptr, pi.tx_multi_seg}
                             : TxTarget{pi.dpdk_port, 0, dp->inject_, pi.tx_multi_seg};
  }
  dp->control_counters_.resize(nports);
  dp->control_tx_.init(std::move(control_targets), dp->hdr_pool_, dp->clone_pool_, dp->control_counters_.data());

  SharedTables shared;
  shared.state = dp->state_.get();
  shared.mft = dp->mft_.get();
  shared.macs = dp->macs_.get();
  shared.rcu = dp->rcu_.get();
  shared.punt = dp->punt_;
  shared.learn = dp->learn_;
  shared.pending = dp->pending_macs_.get();
  shared.clock = &dp->clock_;
  shared.mac_refresh_ms = std::max<uint64_t>(1000, static_cast<uint64_t>(spec.mac_aging.count()) / 4);

  if (spec.lcores.split()) {
    // One single-producer ring per RX lcore (Worker::deliver enqueues with rte_ring_sp_enqueue):
    // RX lcore w feeds TX lcore w % tx_lcores, which may read several rings.
    for (unsigned i = 0; i < rx_lcores; ++i) {
      dp->handoff_.push_back(rte_ring_create(unique_name("handoff").c_str(), kHandoffRingSize, socket,
                                             RING_F_SP_ENQ | RING_F_SC_DEQ));
      if (!dp->handoff_.back()) {
        *err = "cannot create handoff rings";
        return nullptr;
      }
    }
  }
  for (unsigned w = 0; w < rx_lcores; ++w) {
    std::vector<RxQueue> rxqs;
    for (PortId p = 0; p < nports; ++p)
      if (w < dp->ports_[p].rx_queues) rxqs.push_back(RxQueue{p, dp->ports_[p].dpdk_port, static_cast<uint16_t>(w)});
    rte_ring* handoff = spec.lcores.split() ? dp->handoff_[w] : nullptr;
    rte_ring* inject = (!spec.lcores.split() && w == 0) ? dp->inject_ : nullptr;
    dp->workers_.push_back(std::make_unique<Worker>(w, shared, std::move(rxqs),
                                                    spec.lcores.split() ? std::vector<TxTarget>(nports) : targets_for(w),
                                                    dp->hdr_pool_, dp->clone_pool_, handoff, inject));
  }
  if (spec.lcores.split()) {
    for (unsigned t = 0; t < tx_lcores; ++t) {
      std::vector<rte_ring*> inputs;
      for (unsigned w = 0; w < rx_lcores; ++w)
        if (w % tx_lcores == t) inputs.push_back(dp->handoff_[w]);
      dp->tx_workers_.push_back(std::make_unique<TxWorker>(t, std::move(inputs), targets_for(t), dp->state_.get(),
                                                           dp->hdr_pool_, dp->clone_pool_, nports,
                                                           t == 0 ? dp->inject_ : nullptr));
    }
  }

  for (PortId p = 0; p < nports; ++p) {
    if (rte_eth_dev_start(dp->ports_[p].dpdk_port) < 0) {
      *err = "ports[" + std::to_string(p) + "].device: cannot start " + spec.ports[p].device;
      return nullptr;
    }
  }
  dp->ports_started_ = true;
  return dp;
}

// Multi-segment frames. TX: the replication path chains a header mbuf to a clone of the
// payload, which a device sends whole only with RTE_ETH_TX_OFFLOAD_MULTI_SEGS (ixgbe's and
// i40e's simple TX paths send the first segment alone). Where it is offered it is requested;
// elsewhere the port gets flat copies (TxTarget::multi_seg).
// RX: rxmode.mtu stays 0, i.e. DPDK's default MTU of 1500, so the longest frame a port accepts
// (1500 + Ethernet header + two VLAN tags + CRC) fits one packet mbuf; longer frames are dropped
// by the device and counted in its own statistics (ethdev ierrors). Where the device offers
// RX scatter it is enabled as well, so that
// should the port accept longer frames (a larger MTU) they still arrive whole, as chains, which
// the data path handles (headers are in the first segment; control frames are read with
// rte_pktmbuf_read; the TX stage copies chains flat for ports without MULTI_SEGS).
bool Dataplane::configure_segments(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf, PortInfo* pi,
                                   std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  pi->tx_multi_seg = ps.tx_multi_seg && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
  if (pi->tx_multi_seg) conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
  pi->rx_scatter = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
  if (pi->rx_scatter) conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
  const uint32_t longest = RTE_ETHER_MTU + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN;
  const uint32_t room = rte_pktmbuf_data_room_size(pkt_pool_) - RTE_PKTMBUF_HEADROOM;
  if (!pi->rx_scatter && longest > room) {
    *err = "ports[" + std::to_string(id) + "].device: '" + ps.device +
           "' offers no RX scatter and its longest frame (" + std::to_string(longest) +
           " bytes) does not fit one mbuf (" + std::to_string(room) + ")";
    return false;
  }
  return true;
}

bool Dataplane::setup_port(PortId id, std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  const std::string where = "ports[" + std::to_string(id) + "].device";
  PortInfo& pi = ports_[id];
  pi.name = ps.name;
  const std::string name = device_name(ps.device);
  uint16_t port_id;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port_id) != 0) {
    if (rte_dev_probe(ps.device.c_str()) != 0 || rte_eth_dev_get_port_by_name(name.c_str(), &port_id) != 0) {
      *err = where + ": cannot probe '" + ps.device + "' (is the driver available and the device present?)";
      return false;
    }
  }
  pi.dpdk_port = port_id;
  state_->port(id).dpdk_port = port_id;

  rte_eth_dev_info info;
  if (rte_eth_dev_info_get(port_id, &info) != 0) {
    *err = where + ": cannot read device info";
    return false;
  }
  const unsigned rx_lcores = spec_.lcores.split() ? spec_.lcores.rx.size() : spec_.lcores.workers.size();
  const unsigned tx_lcores = spec_.lcores.split() ? spec_.lcores.tx.size() : spec_.lcores.workers.size();
  if (info.max_tx_queues < tx_lcores) {
    *err = where + ": '" + ps.device + "' has " + std::to_string(info.max_tx_queues) +
           " TX queues, one per transmitting lcore (" + std::to_string(tx_lcores) + ") is needed";
    return false;
  }
  pi.rx_queues = static_cast<uint16_t>(std::min<unsigned>(rx_lcores, info.max_rx_queues));
  pi.control_queue = info.max_tx_queues > tx_lcores;
  pi.tx_queues = static_cast<uint16_t>(tx_lcores + (pi.control_queue ? 1 : 0));

  rte_eth_conf conf{};
  if (pi.rx_queues > 1) {
    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
    conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
  }
  // Where the NIC checks IPv4 header checksums, the worker takes its verdict from the mbuf
  // flags instead of summing every multicast header again (RFC 4541 2.1.2(6) still holds).
  conf.rxmode.offloads |= info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
  if (!configure_segments(id, info, &conf, &pi, err)) return false;
  if (rte_eth_dev_configure(port_id, pi.rx_queues, pi.tx_queues, &conf) != 0) {
    *err = where + ": cannot configure " + std::to_string(pi.rx_queues) + " RX / " +
           std::to_string(pi.tx_queues) + " TX queues";
    return false;
  }
  uint16_t nrx = kRxDesc, ntx = kTxDesc;
  rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nrx, &ntx);
  const int socket = rte_eth_dev_socket_id(port_id);
  for (uint16_t q = 0; q < pi.rx_queues; ++q) {
    if (rte_eth_rx_queue_setup(port_id, q, nrx, socket, nullptr, pkt_pool_) != 0) {
      *err = where + ": cannot set up RX queue " + std::to_string(q);
      return false;
    }
  }
  for (uint16_t q = 0; q < pi.tx_queues; ++q) {
    if (rte_eth_tx_queue_setup(port_id, q, ntx, socket, nullptr) != 0) {
      *err = where + ": cannot set up TX queue " + std::to_string(q);
      return false;
    }
  }
  // A switch port must see every frame; devices that cannot do this still work for the MACs
  // they do accept, so failure here is not fatal.
  rte_eth_promiscuous_enable(port_id);
  rte_eth_allmulticast_enable(port_id);
  rte_ether_addr mac{};
  rte_eth_macaddr_get(port_id, &mac);
  std::memcpy(pi.mac, mac.addr_bytes, 6);
  return true;
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
  const auto& rx = spec_.lcores.split() ? spec_.lcores.rx : spec_.lcores.workers;
  for (unsigned i = 0; i < workers_.size(); ++i)
    launch_fns_.push_back(std::make_unique<std::function<void()>>([this, i] { workers_[i]->run(stop_); }));
  for (unsigned i = 0; i < tx_workers_.size(); ++i)
    launch_fns_.push_back(std::make_unique<std::function<void()>>([this, i] { tx_workers_[i]->run(stop_tx_); }));
  for (unsigned i = 0; i < workers_.size(); ++i) {
    if (!start(rx[i], launch_fns_[i].get())) return false;
    launched_lcores_.push_back(rx[i]);
  }
  for (unsigned i = 0; i < tx_workers_.size(); ++i) {
    if (!start(spec_.lcores.tx[i], launch_fns_[workers_.size() + i].get())) return false;
    launched_tx_lcores_.push_back(spec_.lcores.tx[i]);
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
  PortCounters sum = control_counters_[p];
  for (const auto& w : workers_) sum += w->counters()[p];
  for (const auto& t : tx_workers_) sum += t->counters()[p];
  return sum;
}

unsigned Dataplane::mbufs_in_use() const {
  unsigned n = 0;
  for (rte_mempool* mp : {pkt_pool_, hdr_pool_, clone_pool_})
    if (mp) n += rte_mempool_in_use_count(mp);
  return n;
}

Dataplane::~Dataplane() {
  shutdown();
  // Tables go before the RCU domain they are attached to.
  macs_.reset();
  mft_.reset();
  rcu_.reset();
  workers_.clear();
  tx_workers_.clear();
  rte_ring_free(punt_);
  rte_ring_free(learn_);
  rte_ring_free(inject_);
  for (rte_ring* r : handoff_) rte_ring_free(r);
  rte_mempool_free(clone_pool_);
  rte_mempool_free(hdr_pool_);
  rte_mempool_free(pkt_pool_);
}

void Dataplane::shutdown() {
  stop();
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
    InjectItem items[32];
    unsigned n;
    while ((n = rte_ring_dequeue_burst_elem(inject_, items, sizeof(InjectItem), 32, nullptr)) > 0)
      for (unsigned i = 0; i < n; ++i) rte_pktmbuf_free(items[i].m);
  }
  if (ports_started_) {
    for (const PortInfo& pi : ports_) {
      rte_eth_dev_stop(pi.dpdk_port);
      rte_eth_dev_close(pi.dpdk_port);  // releases mbufs held by RX descriptors
    }
    ports_started_ = false;
  }
  // Entries hold no mbufs, but the RCU defer queues must be empty before the pools go.
  if (mft_) mft_->reclaim();
}

}  // namespace mcsnoop::dataplane
