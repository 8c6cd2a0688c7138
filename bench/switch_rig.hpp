// A whole mcsnoop switch in-process, wired for measurement: the real Dataplane (one worker
// lcore, run-to-completion) and ControlPlane (the main lcore, run exactly as the mcsnoop app
// runs it) on benchmark vdevs.
//
//   port 0          "src"    net_pcap0,rx_pcap=<file>,infinite_rx=1   the traffic source
//   ports 1..n      "sinkK"  net_nullK,no-rx=1                        the receivers
//   port n+1 (opt.) "host"   a ring ethdev (rte_eth_from_rings)       a host whose reports take the
//                                                                     whole RX path, and whose
//                                                                     deliveries can be timed
// All ports are access ports of VLAN 1 with IGMP/MLD snooping on, no querier, and unregistered
// multicast sent to router ports only (there are none), so a frame is delivered only through
// an entry the control plane published.
//
// Memberships and MACs on the net_null sinks (which cannot receive) are created through the
// control plane's real inputs: IGMP reports enqueued on the punt ring and learning events on the
// learn ring, carrying the sink as their port of arrival, exactly what a worker enqueues for a
// frame received there. The engine then decides and publishes as for any received report.
//
// Thread safety: everything here runs on the main lcore, except what the worker lcore runs
// between start_switch() and stop_switch() (or an io-forward loop between start_io_forward()
// and stop_io_forward()).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "io_forward_loop.hpp"
#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/app/switch.hpp"
#include "traffic.hpp"

namespace mcsnoop::bench {

struct RigConfig {
  std::string pcap;            // the source's traffic
  uint32_t pcap_frames = 0;    // frames in it (each holds an mbuf of the packet pool)
  unsigned sinks = 1;          // net_null sinks, 1..8
  bool host = false;           // add the ring "host" port
  dataplane::StormControlSpec source_storm{};  // storm control on the source port
};

// Counters of every port, summed over lcores.
using Snapshot = std::vector<dataplane::PortCounters>;

class SwitchRig {
 public:
  static std::unique_ptr<SwitchRig> create(const RigConfig& cfg, std::string* err);
  ~SwitchRig();
  SwitchRig(const SwitchRig&) = delete;
  SwitchRig& operator=(const SwitchRig&) = delete;

  static constexpr PortId kSource = 0;
  static constexpr VlanId kVlan = 1;
  PortId sink(unsigned i) const { return static_cast<PortId>(1 + i); }
  unsigned sinks() const { return cfg_.sinks; }
  PortId host() const { return static_cast<PortId>(1 + cfg_.sinks); }

  app::Switch& dp() { return *dp_; }
  control::ControlPlane& control() { return *control_; }

  // ---- the control lcore -----------------------------------------------------------------
  // One iteration of the control loop exactly as ControlPlane::run() does it: poll_once(), and
  // a 100 us sleep when it found nothing to do.
  void control_step();
  // control_step() until `seconds` have passed, calling `each` before every iteration.
  void run_for(double seconds, const std::function<void()>& each = {});
  // Polls (without sleeping) until the punt and learn rings are empty and a pass finds no work.
  void settle();

  // ---- control-plane inputs --------------------------------------------------------------
  // Enqueues `frame` on the punt ring as received on `port` (untagged, VLAN 1). While the ring
  // is full the control loop runs to drain it. False when no mbuf is available.
  bool punt(const Frame& frame, PortId port);
  // Enqueues a learning event: `mac` seen on `port` in VLAN 1.
  bool learn(const net::MacAddr& mac, PortId port);
  // The host port: enqueues `frame` on its RX ring (the worker receives it). False when full.
  bool host_send(const Frame& frame);
  // Frees everything the switch transmitted to the host port; returns how many frames.
  unsigned drain_host();

  // ---- the forwarding lcore --------------------------------------------------------------
  bool start_switch(std::string* err);
  void stop_switch();
  // The io-forward loop on the same lcore and the same ports (queue 0 of each, the worker's).
  // `stages` (may be null): time each burst's receive and transmit into it (IoForwardTask).
  bool start_io_forward(PortId from, PortId to, dataplane::StageCycles* stages = nullptr);
  uint64_t io_forwarded() const { return io_.forwarded.load(std::memory_order_relaxed); }
  void stop_io_forward();

  Snapshot snapshot() const;

  // Called from the worker inside rte_eth_tx_burst on the host port's worker queue: the TSC of
  // the first transmission after arm_host_probe(). Zero until then.
  void arm_host_probe();
  uint64_t host_probe_tsc() const { return probe_.tsc.load(std::memory_order_acquire); }

 private:
  SwitchRig() = default;
  bool build(const RigConfig& cfg, std::string* err);
  rte_mbuf* to_mbuf(const Frame& frame);

  struct Probe {
    std::atomic<bool> armed{false};
    std::atomic<uint64_t> tsc{0};
  };
  static uint16_t on_host_tx(uint16_t port, uint16_t queue, rte_mbuf** pkts, uint16_t n, void* probe);

  RigConfig cfg_;
  rte_mempool* inject_pool_ = nullptr;   // mbufs of punted and host-sent frames
  rte_ring* host_rx_ = nullptr;
  rte_ring* host_tx_[2] = {nullptr, nullptr};   // worker queue, control queue
  std::string host_device_;
  const void* probe_cb_ = nullptr;
  Probe probe_;
  std::unique_ptr<app::Switch> dp_;
  std::unique_ptr<control::ControlPlane> control_;
  IoForwardTask io_;
  bool switch_running_ = false;
  bool io_running_ = false;
};

}  // namespace mcsnoop::bench
