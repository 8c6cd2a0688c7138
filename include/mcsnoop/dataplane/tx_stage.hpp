// The TX stage: replicate a frame to its egress ports with the right VLAN tag on each copy,
// buffer per port, and flush in bursts.
//
// Replication is by mbuf reference count: every egress port that wants the frame as it arrived
// (tagged or untagged) gets the same mbuf. Ports that want the other form share ONE variant: a
// small header mbuf carrying the rewritten Ethernet header, chained to an indirect clone of the
// original payload. So a frame costs at most one header copy however wide its fan-out.
//
// Copies instead of references are possible for small frames (set_copy_max): a single-segment
// frame of at most copy_max() bytes goes to its first port as it is and to every other port of
// the same form as a plain copy from the frame's own pool. A reference costs an atomic
// increment here and an atomic decrement at each TX completion; a copy costs a mempool get, a
// memcpy and a non-atomic free. Measured (bench/replication_bench, docs/performance.md
// "Replication"), references are as cheap or cheaper at every size from 64 to 1518 bytes and
// fan-outs 2 and 4, so the default is 0 (never copy); the knob stays for the benchmark's A/B.
//
// Ports whose device cannot send chained mbufs (no RTE_ETH_TX_OFFLOAD_MULTI_SEGS: ixgbe's and
// i40e's simple TX paths send only the first segment of a chain) never get a chain: their
// variant is one flat copy of the whole frame, and a chained frame as received (RX scatter) is
// copied flat for them, or dropped and counted as `tx_no_multiseg` if it does not fit one mbuf.
//
// No port is sent a copy longer than its MTU allows (PortState::max_frame, read for every copy
// so a reload's change applies at once): such a copy is dropped and counted as
// `tx_mtu_exceeded` on that port, as the Linux bridge drops it at egress. A switch whose ports
// of one VLAN have different MTUs drops the longer frames at the smaller ones.
//
// Thread safety: a TxStage belongs to one lcore (a worker, a TX lcore, or the control lcore) and
// must only be used from it. It transmits on TX queues that no other lcore uses; where a device
// has too few queues for the control lcore, the control lcore's copies go through an inject ring
// to worker 0 instead (see InjectItem).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"

namespace mcsnoop::dataplane {

inline constexpr unsigned kBurst = 32;

// One frame the control lcore hands to a worker for a port whose device lacks a control queue.
struct InjectItem {
  rte_mbuf* m;
  uint64_t port;  // PortId
};
static_assert(sizeof(InjectItem) == 16);

struct TxTarget {
  uint16_t dpdk_port = 0;
  uint16_t queue = 0;
  rte_ring* inject = nullptr;  // when set, copies go here instead of to (dpdk_port, queue)
  bool multi_seg = true;       // the device sends chained mbufs (RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
};

class TxStage {
 public:
  TxStage() = default;
  TxStage(const TxStage&) = delete;
  TxStage& operator=(const TxStage&) = delete;

  // `counters` is this lcore's per-port counter array, indexed by PortId. `state` gives each
  // port's max_frame (null: no limit, for harnesses without one).
  void init(std::vector<TxTarget> targets, rte_mempool* header_pool, rte_mempool* clone_pool,
            PortCounters* counters, const ForwardingState* state);

  // Sends `m` to every port in `egress`. The frame's Ethernet header carries one 802.1Q tag
  // with `vlan` iff `tagged`; ports in `untagged_ports` get it without a tag, the others with
  // one. Consumes `m` (its reference is passed on or released).
  void emit(rte_mbuf* m, VlanId vlan, bool tagged, PortMask egress, PortMask untagged_ports) {
    // The common case inline: one port that wants the frame as it arrived (no copy, no
    // reference count change).
    if (egress.count() == 1) {
      const auto p = static_cast<PortId>(std::countr_zero(egress.bits()));
      if (untagged_ports.test(p) != tagged) {
        enqueue(p, m);
        return;
      }
    }
    emit_replicated(m, vlan, tagged, egress, untagged_ports);
  }

  // Largest frame (bytes, single segment) replicated by copy rather than by reference count.
  // 0: always by reference count.
  static constexpr uint32_t kDefaultCopyMax = 0;  // measured: references win at every size
  void set_copy_max(uint32_t bytes) { copy_max_ = bytes; }
  uint32_t copy_max() const { return copy_max_; }

  // Sends a single-port frame as it is (no tag change).
  void emit_one(rte_mbuf* m, PortId port) { enqueue(port, m); }

  // Transmits everything buffered.
  void flush();

 private:
  struct alignas(64) Buffer {
    uint16_t n = 0;
    const std::atomic<uint32_t>* max_frame = nullptr;  // PortState::max_frame of the port
    std::array<rte_mbuf*, kBurst> pkts{};
  };

  void enqueue(PortId port, rte_mbuf* m) {
    Buffer& b = buffers_[port];
    if (m->pkt_len > b.max_frame->load(std::memory_order_relaxed)) [[unlikely]] {
      drop_oversize(port, m);
      return;
    }
    if (m->nb_segs > 1 && single_seg_ports_.test(port)) [[unlikely]] {
      m = flat_copy_for(port, m);
      if (m == nullptr) return;
    }
    b.pkts[b.n++] = m;
    if (b.n == kBurst) flush_port(port);
  }
  void flush_port(PortId port);
  void drop_oversize(PortId port, rte_mbuf* m);
  void emit_replicated(rte_mbuf* m, VlanId vlan, bool tagged, PortMask egress, PortMask untagged_ports);
  rte_mbuf* make_variant(rte_mbuf* m, VlanId vlan, bool to_tagged);
  rte_mbuf* make_flat_variant(const rte_mbuf* m, VlanId vlan, bool to_tagged);
  rte_mbuf* flat_copy_for(PortId port, rte_mbuf* m);
  // `m` as it is to every port of `ports`: by reference count, or by copy (copy_max()).
  void emit_same(rte_mbuf* m, PortMask ports);

  std::vector<TxTarget> targets_;
  std::vector<Buffer> buffers_;
  rte_mempool* header_pool_ = nullptr;
  rte_mempool* clone_pool_ = nullptr;
  PortCounters* counters_ = nullptr;
  PortMask single_seg_ports_;  // targets without multi_seg
  uint32_t copy_max_ = kDefaultCopyMax;
};

}  // namespace mcsnoop::dataplane
