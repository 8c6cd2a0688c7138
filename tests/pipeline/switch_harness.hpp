// A whole switch in-process for pipeline tests: the real app::Switch (with its Dataplane
// workers) and ControlPlane on ring ethdevs. The test injects frames into a port's RX ring,
// steps the worker and the control loop by hand (deterministic, no threads), and captures what
// each port transmitted.
// The control plane runs on a virtual clock (`advance()`), so protocol timers take no time.
// The lcore layout is run-to-completion by default; HarnessLayout selects split roles (RX lcores
// handing frames to TX lcores), and how many queues each ring ethdev offers.
#pragma once

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rte_bus_vdev.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/app/switch.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"
#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "tables/eal_env.hpp"

namespace mcsnoop::testing {

struct HarnessPort {
  std::string name;
  dataplane::VlanMode mode = dataplane::VlanMode::Access;
  VlanId vlan = 1;
  std::vector<VlanId> allowed;
  VlanId native = 0;
  snoop::PortConfig snoop;
  uint32_t punt_rate_pps = 100000;
  // Bridge protection (dataplane::PortSpec has the meanings).
  uint16_t forward_reserved = 0;
  dataplane::BpduMode bpdu = dataplane::BpduMode::Flood;
  std::optional<uint32_t> max_macs;
  dataplane::StormControlSpec storm;
  bool tx_multi_seg = true;  // false: as if the device lacked RTE_ETH_TX_OFFLOAD_MULTI_SEGS
  // A device string as a configuration's `ports[].device` holds it (e.g.
  // "net_pcap_x,rx_pcap=f.pcap"), probed by the switch, instead of the harness's ring pair:
  // for the counters only a real PMD keeps. inject() and capture() have no rings for such a port.
  std::string device;
  // When not 0, the port's MTU (rte_eth_dev_set_mtu) once the switch has started it and before
  // the control plane reads it; only for a device whose PMD can set one (net_null, af_packet).
  uint16_t mtu = 0;
  // The port's configured MTU (ports[].mtu, dataplane::PortSpec::mtu), which the switch itself
  // applies at set-up; unset = the device's default.
  std::optional<uint16_t> port_mtu;
};

struct HarnessVlan {
  VlanId id = 1;
  bool snooping = true;
  bool mld = true;
  snoop::Timers timers;
  snoop::UnregisteredPolicy unregistered = snoop::UnregisteredPolicy::Flood;
  snoop::QuerierConfig querier;
  std::vector<snoop::StaticGroup> static_groups;
  // Off here (on in the product): the solicitations leave every port at a random time after
  // start, which tests counting frames would see. Tests of RFC 4286 turn it on.
  bool mrd_solicit = false;
};

// The data-path lcores and the ring ethdevs' queues. The default is one run-to-completion
// worker with three TX queues per port (worker, control lcore, one spare).
struct HarnessLayout {
  dataplane::LcoreSpec lcores = {.workers = {1}};
  // TX queues per ring ethdev. Exactly the number of transmitting lcores leaves none for the
  // control lcore, so its frames take the inject ring.
  unsigned tx_queues = 3;
  unsigned rx_queues = 1;  // RX queues per ring ethdev (one per RX lcore to feed several)
  unsigned tx_ring_size = 4096;  // the ring every TX queue of a port shares (a power of 2)
  unsigned rx_pool_mbufs = 4095;  // the mbufs inject() takes frames from
  uint32_t mft_capacity = 4096;
  uint32_t mac_table_size = 4096;
  uint32_t mac_move_limit = 5;
  // false: the constructor neither runs the data path nor drains the captures, so that frames
  // a device receives by itself (a pcap file) wait for the test.
  bool step_at_start = true;
  // Last say over what the switch is built from (e.g. the app's wiring of a configuration's
  // limits), after the harness has filled both in.
  std::function<void(dataplane::SwitchSpec&, snoop::EngineConfig&)> configure;
};

struct Captured {
  std::vector<uint8_t> bytes;
  uint16_t nb_segs = 1;  // mbufs in the chain the port was handed
  net::FrameInfo info() const { return net::classify_frame(bytes.data(), static_cast<uint32_t>(bytes.size())); }
};

class SwitchHarness {
 public:
  SwitchHarness(std::vector<HarnessPort> ports, std::vector<HarnessVlan> vlans,
                std::chrono::milliseconds mac_aging = std::chrono::seconds(300), HarnessLayout layout = {}) {
    static unsigned seq = 0;
    const unsigned id = seq++;
    pool_ = rte_pktmbuf_pool_create(("tpool" + std::to_string(id)).c_str(), layout.rx_pool_mbufs, 0, 0,
                                    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    EXPECT_NE(pool_, nullptr);
    dataplane::SwitchSpec spec;
    spec.lcores = layout.lcores;
    spec.mac_aging = mac_aging;
    spec.mac_table_size = layout.mac_table_size;
    spec.mac_move_limit = layout.mac_move_limit;
    spec.mft_capacity = layout.mft_capacity;
    spec.mbufs = 8191;
    snoop::EngineConfig ecfg;
    for (const HarnessPort& hp : ports) {
      dataplane::PortSpec ps;
      if (hp.device.empty()) {
        ps.device = ring_device(id, hp.name, layout);
      } else {
        ps.device = hp.device;
        devices_.push_back(hp.device.substr(0, hp.device.find(',')));
        rx_.emplace_back();
        tx_.push_back(nullptr);
      }
      ps.name = hp.name;
      ps.mode = hp.mode;
      ps.access_vlan = hp.vlan;
      ps.allowed_vlans = hp.allowed;
      ps.native_vlan = hp.native;
      ps.punt_rate_pps = hp.punt_rate_pps;
      ps.forward_reserved = hp.forward_reserved;
      ps.bpdu = hp.bpdu;
      ps.max_macs = hp.max_macs;
      ps.storm = hp.storm;
      ps.tx_multi_seg = hp.tx_multi_seg;
      ps.mtu = hp.port_mtu;
      spec.ports.push_back(ps);
      ecfg.ports.push_back(hp.snoop);
      names_.push_back(hp.name);
    }
    for (const HarnessVlan& hv : vlans) {
      spec.vlans.push_back(dataplane::VlanSpec{hv.id, hv.snooping, hv.snooping && hv.mld});
      snoop::VlanConfig vc;
      vc.id = hv.id;
      vc.snooping = hv.snooping;
      vc.mld = hv.mld;
      vc.timers = hv.timers;
      vc.unregistered = hv.unregistered;
      vc.querier = hv.querier;
      vc.static_groups = hv.static_groups;
      vc.mrd_solicit = hv.mrd_solicit;
      for (PortId p = 0; p < ports.size(); ++p) {
        const HarnessPort& hp = ports[p];
        const bool member = hp.mode == dataplane::VlanMode::Access
                                ? hp.vlan == hv.id
                                : (hp.native == hv.id ||
                                   std::find(hp.allowed.begin(), hp.allowed.end(), hv.id) != hp.allowed.end());
        if (member) vc.members.set(p);
      }
      ecfg.vlans.push_back(vc);
    }
    if (layout.configure) layout.configure(spec, ecfg);
    std::string err;
    dp_ = app::Switch::create(spec, &err);
    EXPECT_NE(dp_, nullptr) << err;
    if (!dp_) return;
    // The test thread runs every RX stage, so it is every RCU reader.
    for (unsigned w = 0; w < dp_->worker_count(); ++w) {
      dp_->rcu().register_reader(w);
      dp_->rcu().online(w);
    }
    readers_online_ = true;
    for (PortId p = 0; p < ports.size(); ++p) {
      if (ports[p].mtu != 0) {
        EXPECT_EQ(rte_eth_dev_set_mtu(dp_->port_info(p).dpdk_port, ports[p].mtu), 0) << ports[p].name;
      }
    }
    control_ = std::make_unique<control::ControlPlane>(dp_->control_handles(), ecfg);
    EXPECT_TRUE(control_->start("", &err)) << err;
    now_ms_ = dp_->clock().now_ms();
    if (!layout.step_at_start) return;
    step();
    drain_all();  // startup queries etc. are checked by tests that care, through their own harness
  }

  ~SwitchHarness() {
    if (dp_) {
      release_readers();
      control_.reset();
      dp_->shutdown();
      dp_.reset();
    }
    for (const std::string& d : devices_) rte_vdev_uninit(d.c_str());
    for (auto& rxs : rx_)
      for (rte_ring* r : rxs) { drain_ring(r); rte_ring_free(r); }
    for (rte_ring* r : tx_) {
      if (r == nullptr) continue;  // a port on a device of its own
      drain_ring(r);
      rte_ring_free(r);
    }
    rte_mempool_free(pool_);
  }

  PortId port(const std::string& name) const {
    for (PortId p = 0; p < names_.size(); ++p)
      if (names_[p] == name) return p;
    ADD_FAILURE() << "no port " << name;
    return 0;
  }

  // `ol_flags`: RX offload flags as a NIC would set them (ring ethdevs set none).
  void inject(const std::string& port_name, const std::vector<uint8_t>& frame, unsigned queue = 0,
              uint64_t ol_flags = 0) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    ASSERT_NE(m, nullptr);
    auto* d = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
    ASSERT_NE(d, nullptr);
    std::memcpy(d, frame.data(), frame.size());
    m->ol_flags |= ol_flags;
    ASSERT_EQ(rte_ring_enqueue(rx_[port(port_name)].at(queue), m), 0);
  }

  // `frame` as a chain of two mbufs split after `first_len` bytes, as a NIC with RX scatter
  // delivers a frame longer than one receive buffer.
  void inject_chain(const std::string& port_name, const std::vector<uint8_t>& frame, uint16_t first_len) {
    ASSERT_LT(first_len, frame.size());
    rte_mbuf* head = rte_pktmbuf_alloc(pool_);
    rte_mbuf* tail = rte_pktmbuf_alloc(pool_);
    ASSERT_NE(head, nullptr);
    ASSERT_NE(tail, nullptr);
    std::memcpy(rte_pktmbuf_append(head, first_len), frame.data(), first_len);
    const auto rest = static_cast<uint16_t>(frame.size() - first_len);
    std::memcpy(rte_pktmbuf_append(tail, rest), frame.data() + first_len, rest);
    ASSERT_EQ(rte_pktmbuf_chain(head, tail), 0);
    ASSERT_EQ(rte_ring_enqueue(rx_[port(port_name)].at(0), head), 0);
  }

  // `frame` as a chain of mbufs of `seg_len` bytes each (the last one shorter), as a NIC with RX
  // scatter delivers a frame longer than its receive buffers.
  void inject_segments(const std::string& port_name, const std::vector<uint8_t>& frame, uint16_t seg_len) {
    ASSERT_GT(seg_len, 0u);
    rte_mbuf* head = nullptr;
    for (size_t at = 0; at < frame.size(); at += seg_len) {
      rte_mbuf* m = rte_pktmbuf_alloc(pool_);
      ASSERT_NE(m, nullptr);
      const auto n = static_cast<uint16_t>(std::min<size_t>(seg_len, frame.size() - at));
      std::memcpy(rte_pktmbuf_append(m, n), frame.data() + at, n);
      if (head == nullptr) head = m;
      else ASSERT_EQ(rte_pktmbuf_chain(head, m), 0);
    }
    ASSERT_EQ(rte_ring_enqueue(rx_[port(port_name)].at(0), head), 0);
  }

  // `per_queue` copies of `frame` into every RX queue of the port, each queue's batch in one
  // enqueue (all mbufs are built first, so the batches arrive together).
  void inject_on_every_queue(const std::string& port_name, const std::vector<uint8_t>& frame, unsigned per_queue) {
    const std::vector<rte_ring*>& rings = rx_[port(port_name)];
    std::vector<rte_mbuf*> ms(per_queue * rings.size());
    ASSERT_EQ(rte_pktmbuf_alloc_bulk(pool_, ms.data(), static_cast<unsigned>(ms.size())), 0);
    for (rte_mbuf* m : ms)
      std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())), frame.data(), frame.size());
    for (size_t q = 0; q < rings.size(); ++q)
      ASSERT_EQ(rte_ring_enqueue_bulk(rings[q], reinterpret_cast<void**>(&ms[q * per_queue]), per_queue, nullptr),
                per_queue);
  }

  // One pass of every data-path lcore: RX stages first, then TX lcores (split roles).
  unsigned poll_data_path() {
    unsigned work = 0;
    for (unsigned w = 0; w < dp_->worker_count(); ++w) work += dp_->worker(w).poll_once();
    for (unsigned t = 0; t < dp_->tx_worker_count(); ++t) work += dp_->tx_worker(t).poll_once();
    return work;
  }

  // Runs the data path and the control loop until nothing moves (bounded).
  void step() {
    for (int i = 0; i < 50; ++i) {
      unsigned work = poll_data_path();
      work += control_->poll_once(now_ms_);
      work += poll_data_path();  // frames the control lcore queued via inject rings
      if (work == 0) break;
    }
  }

  // Moves the virtual clock forward and runs the control loop once, and nothing else.
  unsigned poll_control(std::chrono::milliseconds forward = std::chrono::milliseconds(0)) {
    now_ms_ += static_cast<uint64_t>(forward.count());
    return control_->poll_once(now_ms_);
  }

  // Hands the data-path lcores to the EAL (Switch::launch); the test thread stops being
  // their RCU reader. Afterwards only the control loop and capture() may be used from the test.
  bool launch(std::string* err) {
    release_readers();
    return dp_->launch(err);
  }

  // Takes a port's link down or up, then lets the control plane's 200 ms link poll see it.
  void set_link(const std::string& port_name, bool up) {
    const uint16_t dpdk_port = dp_->port_info(port(port_name)).dpdk_port;
    ASSERT_EQ(up ? rte_eth_dev_set_link_up(dpdk_port) : rte_eth_dev_set_link_down(dpdk_port), 0);
    advance(std::chrono::milliseconds(250));
  }

  // Moves the control plane's clock forward in `step_ms` slices, running the loop each time.
  void advance(std::chrono::milliseconds d, std::chrono::milliseconds step_ms = std::chrono::milliseconds(50)) {
    const uint64_t end = now_ms_ + static_cast<uint64_t>(d.count());
    while (now_ms_ < end) {
      now_ms_ = std::min<uint64_t>(end, now_ms_ + static_cast<uint64_t>(step_ms.count()));
      step();
    }
  }

  std::vector<Captured> capture(const std::string& port_name) {
    std::vector<Captured> out;
    rte_mbuf* m;
    if (tx_[port(port_name)] == nullptr) return out;  // a port on a device of its own
    while (rte_ring_dequeue(tx_[port(port_name)], reinterpret_cast<void**>(&m)) == 0) {
      Captured c;
      c.nb_segs = m->nb_segs;
      c.bytes.resize(m->pkt_len);
      const void* p = rte_pktmbuf_read(m, 0, m->pkt_len, c.bytes.data());
      if (p != c.bytes.data()) std::memcpy(c.bytes.data(), p, m->pkt_len);
      rte_pktmbuf_free(m);
      out.push_back(std::move(c));
    }
    return out;
  }

  void drain_all() {
    for (const std::string& n : names_) capture(n);
  }

  // Sends `frame` into `in` and returns how many frames each port transmitted, by name.
  std::map<std::string, std::vector<Captured>> send(const std::string& in, const std::vector<uint8_t>& frame,
                                                    uint64_t ol_flags = 0) {
    inject(in, frame, 0, ol_flags);
    step();
    std::map<std::string, std::vector<Captured>> out;
    for (const std::string& n : names_) out[n] = capture(n);
    return out;
  }

  // The switch (ports, tables, rings, workers); named dp() for the tests written before it.
  app::Switch& dp() { return *dp_; }
  control::ControlPlane& control() { return *control_; }
  rte_mempool* pool() { return pool_; }
  // True when the data path has taken every frame injected into that RX queue.
  bool rx_ring_empty(const std::string& port_name, unsigned queue = 0) {
    return rte_ring_empty(rx_[port(port_name)].at(queue)) != 0;
  }
  // Frames that can still be injected into that RX queue.
  unsigned rx_ring_free(const std::string& port_name, unsigned queue = 0) {
    return rte_ring_free_count(rx_[port(port_name)].at(queue));
  }
  // Mbufs of the harness's own pool (every injected frame) not yet returned.
  unsigned pool_in_use() const { return rte_mempool_in_use_count(pool_); }
  uint64_t now_ms() const { return now_ms_; }

 private:
  // A ring ethdev for port `name` of harness `id`: RX rings to inject into, every TX queue on one
  // capture ring. Returns its device name.
  std::string ring_device(unsigned id, const std::string& name, const HarnessLayout& layout) {
    // rte_eth_from_rings names the ethdev "net_ring_<name>".
    const std::string ring_name = "r" + std::to_string(id) + "_" + name;
    std::vector<rte_ring*> rxs;
    for (unsigned q = 0; q < layout.rx_queues; ++q)
      rxs.push_back(rte_ring_create(("r" + std::to_string(id) + name + "rx" + std::to_string(q)).c_str(), 1024,
                                    SOCKET_ID_ANY, 0));
    // Workers and the control lcore all transmit into it: relaxed tail sync, so one preempted
    // between reserving room and publishing does not stall the others (this box's lcores share
    // two CPUs; in the default multi-producer mode the storm tests crawled at a burst per slice).
    rte_ring* tx = rte_ring_create(("r" + std::to_string(id) + name + "tx").c_str(), layout.tx_ring_size,
                                   SOCKET_ID_ANY, RING_F_MP_RTS_ENQ | RING_F_SC_DEQ);
    std::vector<rte_ring*> txs(layout.tx_queues, tx);
    EXPECT_GE(rte_eth_from_rings(ring_name.c_str(), rxs.data(), static_cast<unsigned>(rxs.size()), txs.data(),
                                 static_cast<unsigned>(txs.size()), SOCKET_ID_ANY),
              0);
    devices_.push_back("net_ring_" + ring_name);
    rx_.push_back(rxs);
    tx_.push_back(tx);
    return devices_.back();
  }

  static void drain_ring(rte_ring* r) {
    void* m;
    while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
  }

  void release_readers() {
    if (!readers_online_) return;
    for (unsigned w = 0; w < dp_->worker_count(); ++w) {
      dp_->rcu().offline(w);
      dp_->rcu().unregister_reader(w);
    }
    readers_online_ = false;
  }

  rte_mempool* pool_ = nullptr;
  std::vector<std::vector<rte_ring*>> rx_;  // per port, per RX queue
  std::vector<rte_ring*> tx_;
  std::vector<std::string> names_;
  std::vector<std::string> devices_;
  std::unique_ptr<app::Switch> dp_;
  std::unique_ptr<control::ControlPlane> control_;
  uint64_t now_ms_ = 0;
  bool readers_online_ = false;
};

// Frame helpers.
inline net::MacAddr mac(uint8_t last) { return net::MacAddr{{0x02, 0, 0, 0, 0, last}}; }

inline std::vector<uint8_t> eth_frame(net::MacAddr src, net::MacAddr dst, std::optional<VlanId> tag = {}) {
  net::FrameOptions o;
  o.src_mac = src;
  if (tag) o.vlan = net::VlanTag{net::ether_type::kVlan, 0, false, *tag};
  net::EthernetFrame f;
  f.dst = dst;
  return net::build(f, o);
}

inline std::vector<uint8_t> udp_to(const char* group, const char* source, net::MacAddr src_mac = mac(0x99),
                                   std::optional<VlanId> tag = {}) {
  net::FrameOptions o;
  o.src_mac = src_mac;
  if (tag) o.vlan = net::VlanTag{net::ether_type::kVlan, 0, false, *tag};
  net::UdpDatagram u;
  u.src = *net::IpAddr::parse(source);
  u.dst = *net::IpAddr::parse(group);
  return net::build(u, o);
}

inline net::IpAddr ip(const char* s) { return *net::IpAddr::parse(s); }

// IGMP frames as hosts and routers send them (MAC 0xee for the querier, the host's own else).
inline std::vector<uint8_t> general_query(const char* src = "10.0.0.1", net::Compat v = net::Compat::V3,
                                          std::optional<VlanId> tag = {}) {
  net::IgmpQuery q;
  q.version = v;
  q.src = ip(src);
  q.max_resp_ms = 1000;
  net::FrameOptions o;
  o.src_mac = mac(0xee);
  if (tag) o.vlan = net::VlanTag{net::ether_type::kVlan, 0, false, *tag};
  return net::build(q, o);
}

inline std::vector<uint8_t> v2_report(const char* group, const char* host, uint8_t host_mac,
                                      std::optional<VlanId> tag = {}) {
  net::IgmpReport r;
  r.version = net::Compat::V2;
  r.src = ip(host);
  r.group = ip(group);
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  if (tag) o.vlan = net::VlanTag{net::ether_type::kVlan, 0, false, *tag};
  return net::build(r, o);
}

inline std::vector<uint8_t> v2_leave(const char* group, const char* host, uint8_t host_mac) {
  net::IgmpLeave l;
  l.src = ip(host);
  l.group = ip(group);
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  return net::build(l, o);
}

}  // namespace mcsnoop::testing
