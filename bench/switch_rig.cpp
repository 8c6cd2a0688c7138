#include "switch_rig.hpp"

#include <chrono>
#include <cstring>
#include <thread>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "bench_env.hpp"
#include "mcsnoop/dataplane/learn_event.hpp"
#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::bench {

namespace {

// Mirrors the app: the whole-table group limit of the engine, and an MFT of twice that many
// keys (wiring.cpp) so the table stays well below full with 100,000 groups.
constexpr uint32_t kMaxGroups = 131072;
constexpr uint32_t kMacTableSize = 65536;
// Packet pool beyond the frames infinite_rx holds: RX/TX in flight, the punt ring, caches.
constexpr uint32_t kPoolHeadroom = 16384;
// Frames the bench itself sends into the switch (reports, leaves) in flight at once.
constexpr unsigned kInjectPoolSize = 8191;
constexpr unsigned kHostRingSize = 4096;
// The host's policer: far above the 10,000 changes/s of the churn case, so the bench measures
// the switch's punt path rather than its rate limit.
constexpr uint32_t kHostPuntRate = 100000;
// Sinks are named net_null0..7; more would only add idle RX queues to poll.
constexpr unsigned kMaxSinks = 8;

}  // namespace

std::unique_ptr<SwitchRig> SwitchRig::create(const RigConfig& cfg, std::string* err) {
  std::unique_ptr<SwitchRig> rig(new SwitchRig());
  if (!rig->build(cfg, err)) return nullptr;
  return rig;
}

bool SwitchRig::build(const RigConfig& cfg, std::string* err) {
  cfg_ = cfg;
  if (cfg.sinks < 1 || cfg.sinks > kMaxSinks) {
    *err = "between 1 and " + std::to_string(kMaxSinks) + " sinks are supported";
    return false;
  }
  const int socket = static_cast<int>(rte_socket_id());
  inject_pool_ = rte_pktmbuf_pool_create("bench_inject", kInjectPoolSize, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  if (inject_pool_ == nullptr) {
    *err = "cannot create the inject pool";
    return false;
  }

  dataplane::SwitchSpec spec;
  snoop::EngineConfig ecfg;
  auto add_port = [&](std::string name, std::string device, uint32_t punt_rate, bool fast_leave) {
    dataplane::PortSpec ps;
    ps.storm = spec.ports.empty() ? cfg.source_storm : dataplane::StormControlSpec{};  // the source is first
    ps.name = std::move(name);
    ps.device = std::move(device);
    ps.access_vlan = kVlan;
    ps.punt_rate_pps = punt_rate;
    spec.ports.push_back(std::move(ps));
    snoop::PortConfig pc;
    pc.fast_leave = fast_leave;
    ecfg.ports.push_back(pc);
  };
  add_port("src", "net_pcap0,rx_pcap=" + cfg.pcap + ",infinite_rx=1", 1000, false);
  for (unsigned i = 0; i < cfg.sinks; ++i)
    add_port("sink" + std::to_string(i), "net_null" + std::to_string(i) + ",no-rx=1", 1000, false);
  if (cfg.host) {
    host_rx_ = rte_ring_create("bench_host_rx", kHostRingSize, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    host_tx_[0] = rte_ring_create("bench_host_tx0", kHostRingSize, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    host_tx_[1] = rte_ring_create("bench_host_tx1", kHostRingSize, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (!host_rx_ || !host_tx_[0] || !host_tx_[1] ||
        rte_eth_from_rings("bench_host", &host_rx_, 1, host_tx_, 2, static_cast<unsigned>(socket)) < 0) {
      *err = "cannot create the host ring port";
      return false;
    }
    host_device_ = "net_ring_bench_host";  // the name rte_eth_from_rings gives the ethdev
    add_port("host", host_device_, kHostPuntRate, true);
  }
  spec.vlans.push_back(dataplane::VlanSpec{kVlan, true, true});
  spec.lcores.control = rte_get_main_lcore();
  spec.lcores.workers = {kForwardingLcore};
  spec.mac_table_size = kMacTableSize;
  spec.mft_capacity = 2 * kMaxGroups;
  spec.mbufs = cfg.pcap_frames + kPoolHeadroom;

  snoop::VlanConfig vc;
  vc.id = kVlan;
  vc.unregistered = snoop::UnregisteredPolicy::RouterPorts;
  vc.members = PortMask::all(static_cast<unsigned>(spec.ports.size()));
  // No MRD solicitations: they would reach the sinks and spoil the exact per-sink accounting
  // of data copies (they cost the data path nothing: the control lcore sends them).
  vc.mrd_solicit = false;
  ecfg.vlans.push_back(vc);
  ecfg.max_groups = kMaxGroups;

  dp_ = app::Switch::create(spec, err);
  if (!dp_) return false;
  control_ = std::make_unique<control::ControlPlane>(dp_->control_handles(), ecfg);
  if (!control_->start("", err)) return false;
  if (cfg.host) {
    probe_cb_ = rte_eth_add_tx_callback(dp_->port_info(host()).dpdk_port, 0, on_host_tx, &probe_);
    if (probe_cb_ == nullptr) {
      *err = "cannot add the TX callback on the host port";
      return false;
    }
  }
  return true;
}

SwitchRig::~SwitchRig() {
  stop_io_forward();
  stop_switch();
  if (dp_ && probe_cb_) {
    rte_eth_remove_tx_callback(dp_->port_info(host()).dpdk_port, 0,
                               static_cast<const rte_eth_rxtx_callback*>(probe_cb_));
  }
  control_.reset();
  if (dp_) dp_->shutdown();
  dp_.reset();
  if (!host_device_.empty()) rte_vdev_uninit(host_device_.c_str());
  for (rte_ring* r : {host_rx_, host_tx_[0], host_tx_[1]}) {
    if (r == nullptr) continue;
    void* m;
    while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(r);
  }
  rte_mempool_free(inject_pool_);
}

// ---- the control lcore -------------------------------------------------------------------

void SwitchRig::control_step() {
  control_->step();  // the loop of ControlPlane::run(), idle policy included
}

void SwitchRig::run_for(double seconds, const std::function<void()>& each) {
  const double end = now_seconds() + seconds;
  while (now_seconds() < end) {
    if (each) each();
    control_step();
  }
}

void SwitchRig::settle() {
  for (;;) {
    const unsigned work = control_->poll_once(dp_->clock().now_ms());
    if (work == 0 && rte_ring_count(dp_->punt_ring()) == 0 && rte_ring_count(dp_->learn_ring()) == 0) return;
  }
}

// ---- control-plane inputs ----------------------------------------------------------------

rte_mbuf* SwitchRig::to_mbuf(const Frame& frame) {
  rte_mbuf* m = rte_pktmbuf_alloc(inject_pool_);
  if (m == nullptr) return nullptr;
  void* d = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
  if (d == nullptr) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  std::memcpy(d, frame.data(), frame.size());
  return m;
}

bool SwitchRig::punt(const Frame& frame, PortId port) {
  rte_mbuf* m = to_mbuf(frame);
  if (m == nullptr) return false;
  // What the worker records for a control frame before it punts it: VLAN, port, classification.
  dataplane::MbufMeta& md = dataplane::meta(m);
  md = dataplane::MbufMeta{};
  md.vlan = kVlan;
  md.in_port = port;
  md.tagged = 0;
  const net::FrameInfo fi = net::classify_frame(frame.data(), static_cast<uint32_t>(frame.size()));
  md.cls = static_cast<uint8_t>(fi.cls);
  md.l3_offset = fi.l3_offset;
  md.l4_offset = fi.l4_offset;
  while (rte_ring_enqueue(dp_->punt_ring(), m) != 0) control_->poll_once(dp_->clock().now_ms());
  return true;
}

bool SwitchRig::learn(const net::MacAddr& mac, PortId port) {
  dataplane::LearnEvent ev{};
  std::memcpy(ev.mac, mac.b.data(), 6);
  ev.vlan = kVlan;
  ev.port = port;
  while (rte_ring_enqueue_elem(dp_->learn_ring(), &ev, sizeof(ev)) != 0) control_->poll_once(dp_->clock().now_ms());
  return true;
}

bool SwitchRig::host_send(const Frame& frame) {
  rte_mbuf* m = to_mbuf(frame);
  if (m == nullptr) return false;
  if (rte_ring_sp_enqueue(host_rx_, m) != 0) {
    rte_pktmbuf_free(m);
    return false;
  }
  return true;
}

unsigned SwitchRig::drain_host() {
  unsigned total = 0;
  rte_mbuf* pkts[64];
  for (rte_ring* r : host_tx_) {
    if (r == nullptr) continue;
    unsigned n;
    while ((n = rte_ring_sc_dequeue_burst(r, reinterpret_cast<void**>(pkts), 64, nullptr)) > 0) {
      rte_pktmbuf_free_bulk(pkts, n);
      total += n;
    }
  }
  return total;
}

// ---- the forwarding lcore ----------------------------------------------------------------

bool SwitchRig::start_switch(std::string* err) {
  if (!dp_->launch(err)) return false;
  switch_running_ = true;
  return true;
}

void SwitchRig::stop_switch() {
  if (!switch_running_) return;
  dp_->stop();
  switch_running_ = false;
}

bool SwitchRig::start_io_forward(PortId from, PortId to, dataplane::StageCycles* stages) {
  io_.stages = stages;
  io_.rx_port = dp_->port_info(from).dpdk_port;
  io_.tx_port = dp_->port_info(to).dpdk_port;
  io_.rx_queue = 0;
  io_.tx_queue = 0;
  io_running_ = bench::start_io_forward(io_, kForwardingLcore);
  return io_running_;
}

void SwitchRig::stop_io_forward() {
  if (!io_running_) return;
  bench::stop_io_forward(io_, kForwardingLcore);
  io_running_ = false;
}

Snapshot SwitchRig::snapshot() const {
  Snapshot s;
  for (PortId p = 0; p < dp_->port_count(); ++p) s.push_back(dp_->port_counters(p));
  return s;
}

void SwitchRig::arm_host_probe() {
  probe_.tsc.store(0, std::memory_order_relaxed);
  probe_.armed.store(true, std::memory_order_release);
}

uint16_t SwitchRig::on_host_tx(uint16_t, uint16_t, rte_mbuf**, uint16_t n, void* arg) {
  auto& probe = *static_cast<Probe*>(arg);
  if (n != 0 && probe.armed.load(std::memory_order_acquire)) {
    probe.armed.store(false, std::memory_order_relaxed);
    probe.tsc.store(rte_rdtsc(), std::memory_order_release);
  }
  return n;
}

}  // namespace mcsnoop::bench
