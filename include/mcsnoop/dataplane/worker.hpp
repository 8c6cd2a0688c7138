// Data-path lcores.
//
// A Worker polls its RX queues, runs the RX stage on each burst (parse, VLAN admission,
// learning, classification, table lookups, punting) and then either the TX stage itself
// (run-to-completion, the default) or hands the decided frames to a TX lcore over a ring
// (split roles). A TxWorker is the other half of split roles. Both use the same stage code.
//
// Thread safety: each object belongs to the lcore that runs it. Shared tables are read
// lock-free; the worker reports a quiescent state to the RCU domain once per loop iteration.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mcsnoop/dataplane/clock.hpp"
#include "mcsnoop/dataplane/counters.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"
#include "mcsnoop/dataplane/lcore_cycles.hpp"
#include "mcsnoop/dataplane/learn_event.hpp"
#include "mcsnoop/dataplane/pending_macs.hpp"
#include "mcsnoop/dataplane/stage_cycles.hpp"
#include "mcsnoop/dataplane/token_bucket.hpp"
#include "mcsnoop/dataplane/tx_stage.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/entry.hpp"
#include "mcsnoop/mft/key.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::mft { class Table; }
namespace mcsnoop::rcu { class RcuDomain; }

namespace mcsnoop::dataplane {

// What every data-path lcore reads; owned by the Dataplane.
struct SharedTables {
  ForwardingState* state = nullptr;
  const mft::Table* mft = nullptr;
  const l2::MacTable* macs = nullptr;
  rcu::RcuDomain* rcu = nullptr;
  rte_ring* punt = nullptr;    // MP (relaxed tail sync)/SC: workers -> control lcore, control frames
  rte_ring* learn = nullptr;   // MP (relaxed tail sync)/SC: workers -> control lcore, LearnEvent elements
  PendingMacs* pending = nullptr;  // learned but not yet in `macs` (workers write, control retires)
  const TscClock* clock = nullptr;
  uint64_t mac_refresh_ms = 75'000;  // re-report a known MAC after this long (aging / 4)
};

struct RxQueue {
  PortId port;
  uint16_t dpdk_port;
  uint16_t queue;
};

class Worker {
 public:
  // `index` is the worker's RCU reader id. `handoff` is null for run-to-completion, else the
  // ring to this worker's TX lcore. `inject` (may be null) carries control-lcore frames this
  // worker transmits for devices without a control TX queue.
  Worker(unsigned index, const SharedTables& shared, std::vector<RxQueue> rxqs,
         std::vector<TxTarget> tx_targets, rte_mempool* header_pool, rte_mempool* clone_pool,
         rte_ring* handoff, rte_ring* inject);

  // One pass over every RX queue, then transmit what is buffered and report quiescence.
  // Returns the number of frames received plus control frames taken from the inject ring.
  unsigned poll_once();
  // Polls until `stop` is set. Registers with the RCU domain for the duration.
  void run(const std::atomic<bool>& stop);

  const PortCounters* counters() const { return counters_.data(); }
  unsigned index() const { return index_; }
  // Busy/idle cycles of run() (any thread may read them).
  const LcoreCycles& cycles() const { return cycles_; }
  // Per-stage cycle accounting into `into` (null: off, the default). Only while the worker is
  // stopped; `into` must outlive its use.
  void set_stage_cycles(StageCycles* into) { stages_ = into; }
  // Replication of small frames by copy up to `bytes` (TxStage::set_copy_max; benchmarks).
  // Only while the worker is stopped.
  void set_copy_max(uint32_t bytes) { tx_.set_copy_max(bytes); }

  // The RX stages on one burst that arrived on `in` (worker.cpp), timed by `clock` when it is on.
  void rx_burst(PortId in, rte_mbuf** pkts, uint16_t n, StageClock& clock);

 private:
  // This lcore's tokens of one port's shared policers (ForwardingState::policers).
  struct PortShares {
    TokenShare punt;
    TokenShare storm[kStormClasses];
  };

  // One received burst between the RX stages (rx_burst): a structure of arrays with one slot
  // per frame in arrival order, and the key lists the lookup stages batch. A slot whose `pkts`
  // entry is null was consumed (dropped and counted, or punted) by an earlier stage.
  struct Burst {
    PortId in;
    const PortState* ps;
    PortCounters* pc;
    uint64_t now_cycles;
    bool moves_pending;  // PendingMacs::moves_pending() before the MAC table lookup
    uint16_t n;
    rte_mbuf** pkts;     // the caller's array: slot i's frame
    // Per slot, from classify() (vlan: the tag's VID until admit() makes it the VLAN).
    net::FrameClass cls[kBurst];
    VlanId vlan[kBurst];
    uint16_t l3[kBurst];        // IP header offset
    bool tagged[kBurst];
    net::Family family[kBurst];  // where the class is an IP one
    bool group_mac_ok[kBurst];  // control frames: destination MAC is the group's (RFC 1112, 2464)
    // Per slot, from ingress(): the unicast sender's l2::MacKey word (0: a group address).
    uint64_t src[kBurst];
    // Per slot, the decision: an MFT entry (read late, in deliver_burst()) or a port set.
    const mft::Entry* entry[kBurst];
    PortMask egress[kBurst];
    // Lookup batches, each key with the slot it belongs to.
    mft::Key sg_keys[kBurst];
    uint16_t sg_slot[kBurst];  // not uint8_t: a char store may alias every field, forcing reloads
    unsigned nsg;
    mft::Key g_keys[kBurst];
    uint16_t g_slot[kBurst];
    unsigned ng;
    l2::MacKey mac_keys[2 * kBurst];
    uint16_t mac_slot[2 * kBurst];  // destination keys: the slot (source keys: unused)
    bool mac_is_dst[2 * kBurst];  // destination lookup (else source learning)
    unsigned nmac;
    uint64_t mac_values[2 * kBurst];
    uint64_t mac_hits;            // bit k: mac_keys[k] found
    rte_mbuf* punt[kBurst];
    unsigned npunt;
  };

  // The stages (worker.cpp), each one pass over the burst.
  bool begin_burst(Burst& b, PortId in, rte_mbuf** pkts, uint16_t n);
  void classify(Burst& b);
  void ingress(Burst& b);
  void lookup_mcast(Burst& b);
  void lookup_macs(Burst& b);
  void learn(Burst& b);
  void deliver_burst(Burst& b);
  void punt_burst(Burst& b);
  // Helpers of the stages, for one slot.
  bool admit(Burst& b, unsigned i);
  void name_source(Burst& b, unsigned i);
  void take_source(Burst& b, unsigned i, uint64_t& last_src);
  void dispatch(Burst& b, unsigned i);
  void drop(Burst& b, unsigned i, Drop why);
  void dispatch_control(Burst& b, unsigned i);
  void flood(Burst& b, unsigned i, StormClass cls);
  void key_mcast(Burst& b, unsigned i);

  void deliver(rte_mbuf* m, PortId in, VlanId vlan, bool tagged, PortMask egress);
  // Learning without a flood window (PendingMacs). True when `src` needs no table lookup: this
  // worker settled it on `in` and no move record says otherwise.
  bool source_settled(uint64_t src, PortId in, bool moves_pending) const;
  // One source address after its table lookup: confirm it, or record it and report it to the
  // control lcore. True when it wrote a move record.
  bool learn_source(const l2::MacKey& key, bool hit, uint64_t value, PortId in, uint64_t now_cycles,
                    bool moves_pending, PortCounters& pc);
  // Egress port of each destination key k (is_dst[k]) from the burst's table lookup, the pending
  // records and, where those disagree or miss, a fresh lookup; -1 = unknown (flood).
  // `table_suspect`: a move record may override table hits.
  void resolve_destinations(const l2::MacKey* keys, const bool* is_dst, unsigned n, uint64_t hits,
                            const uint64_t* values, bool table_suspect, int* port_out) const;
  // Bridge protection, in rx_burst's classification (docs/security.md).
  // A frame to 01:80:C2:00:00:0x arrived on `in`: true when it is to be flooded like other
  // non-IP multicast; otherwise it was dropped and counted (and a BPDU on a guarded port shut it).
  bool admit_reserved(rte_mbuf* m, PortId in, const PortState& ps, PortCounters& pc);
  // Storm control: true when a frame of `cls` flooded from `in` is within the port's rate;
  // false when it is over (counted; the caller frees it). Only called when ps.storm_on.
  bool storm_admit(PortId in, const PortState& ps, StormClass cls, uint64_t now_cycles, PortCounters& pc);
  // The punt policer, per port across every lcore and queue.
  bool punt_admit(PortId in, uint64_t now_cycles) {
    return shares_[in].punt.take(t_.state->policers(in).punt, now_cycles);
  }

  unsigned index_;
  SharedTables t_;
  std::vector<RxQueue> rxqs_;
  std::vector<PortCounters> counters_;
  std::vector<PortShares> shares_;
  TxStage tx_;
  rte_ring* handoff_;
  rte_ring* inject_;
  LearnFilter learn_filter_;
  uint32_t mac_flush_epoch_ = 0;  // ForwardingState::mac_flush_epoch() learn_filter_ belongs to
  uint64_t now_ms_ = 0;
  LcoreCycles cycles_;
  StageCycles* stages_ = nullptr;
  Burst burst_;
};

// Transmits up to one burst of control-lcore frames queued on `inject` (see InjectItem) through
// `tx`; returns how many (0 when `inject` is null).
unsigned drain_inject(rte_ring* inject, TxStage& tx);

class TxWorker {
 public:
  TxWorker(unsigned index, std::vector<rte_ring*> inputs, std::vector<TxTarget> tx_targets,
           const ForwardingState* state, rte_mempool* header_pool, rte_mempool* clone_pool,
           unsigned nports, rte_ring* inject);
  unsigned poll_once();
  void run(const std::atomic<bool>& stop);
  const PortCounters* counters() const { return counters_.data(); }
  const LcoreCycles& cycles() const { return cycles_; }

 private:
  LcoreCycles cycles_;
  std::vector<rte_ring*> inputs_;
  rte_ring* inject_;
  const ForwardingState* state_;
  std::vector<PortCounters> counters_;
  TxStage tx_;
};

}  // namespace mcsnoop::dataplane
