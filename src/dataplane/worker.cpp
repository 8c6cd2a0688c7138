#include "mcsnoop/dataplane/worker.hpp"

#include <cstring>

#include <rte_prefetch.h>

#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/mft/rcu_domain.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::dataplane {

namespace {

constexpr uint16_t kPrefetchAhead = 3;

bool is_unicast_mac(const uint8_t* mac) { return (mac[0] & 1) == 0; }

// 01:80:C2:00:00:00-0F, the IEEE 802.1Q reserved group addresses (table 8-1): a C-VLAN bridge
// relays none of them. One 32-bit compare for the frames that are not.
inline bool is_reserved_group(const uint8_t* dst) {
  uint32_t first4;
  std::memcpy(&first4, dst, 4);
  return first4 == 0x00c28001u && dst[4] == 0 && dst[5] < 0x10;  // little-endian 01:80:c2:00
}

// A multicast data frame waiting for its MFT lookup: where its IP header is, which pending
// frame it is, and its family.
struct McastRef {
  const uint8_t* ip;
  uint16_t pend;
  bool v6;
};

// The (S,G) (with_source) or (*,G) key of a multicast data frame, straight from its IP header.
inline void fill_mcast_key(mft::Key& k, VlanId vlan, const McastRef& r, bool with_source) {
  if (r.v6) {
    mft::fill_key_v6(k, vlan, r.ip + 24, with_source ? r.ip + 8 : nullptr);
  } else {
    mft::fill_key_v4(k, vlan, r.ip + 16, with_source ? r.ip + 12 : nullptr);
  }
}


// The NIC's IPv4 header checksum verdict from the RX offload flags (Unchecked when the device
// does not check, or could not: RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN and _NONE).
inline net::Ipv4Checksum ipv4_checksum_verdict(uint64_t ol_flags) {
  switch (ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
    case RTE_MBUF_F_RX_IP_CKSUM_GOOD: return net::Ipv4Checksum::Good;
    case RTE_MBUF_F_RX_IP_CKSUM_BAD: return net::Ipv4Checksum::Bad;
    default: return net::Ipv4Checksum::Unchecked;
  }
}

// Removes an 802.1Q priority tag (VID 0) in place, so the frame is plain untagged from here on.
void strip_priority_tag(rte_mbuf* m) {
  auto* p = rte_pktmbuf_mtod(m, uint8_t*);
  std::memmove(p + 4, p, 12);
  rte_pktmbuf_adj(m, 4);
}

}  // namespace

Worker::Worker(unsigned index, const SharedTables& shared, std::vector<RxQueue> rxqs,
               std::vector<TxTarget> tx_targets, rte_mempool* header_pool, rte_mempool* clone_pool,
               rte_ring* handoff, rte_ring* inject)
    : index_(index),
      t_(shared),
      rxqs_(std::move(rxqs)),
      counters_(shared.state->port_count()),
      shares_(shared.state->port_count()),
      handoff_(handoff),
      inject_(inject) {
  tx_.init(std::move(tx_targets), header_pool, clone_pool, counters_.data());
}

void Worker::deliver(rte_mbuf* m, PortId in, VlanId vlan, bool tagged, PortMask egress) {
  if (handoff_ == nullptr) {
    tx_.emit(m, vlan, tagged, egress, t_.state->vlan(vlan).untagged);
    return;
  }
  MbufMeta& md = meta(m);
  md.egress = egress.bits();
  md.vlan = vlan;
  md.tagged = tagged;
  md.in_port = in;
  if (rte_ring_sp_enqueue(handoff_, m) != 0) {
    counters_[md.in_port].count(Drop::TxQueueFull);
    rte_pktmbuf_free(m);
  }
}

bool Worker::admit_reserved(rte_mbuf* m, PortId in, const PortState& ps, PortCounters& pc) {
  const uint8_t last = rte_pktmbuf_mtod(m, const uint8_t*)[5];
  if (last == 0) {  // STP BPDU
    switch (ps.bpdu) {
      case BpduMode::Flood: return true;
      case BpduMode::Drop: pc.count(Drop::BpduDropped); break;
      case BpduMode::Guard:
        pc.count(Drop::BpduGuard);
        t_.state->shut_port(in);  // the control lcore logs it and flushes the port's MACs
        break;
    }
  } else if ((ps.forward_reserved >> last) & 1) {
    return true;
  } else {
    pc.count(Drop::ReservedMulticast);
  }
  rte_pktmbuf_free(m);
  return false;
}

bool Worker::storm_admit(PortId in, const PortState& ps, StormClass cls, uint64_t now_cycles,
                         PortCounters& pc) {
  const auto c = static_cast<unsigned>(cls);
  if (ps.storm_pps[c] == 0) return true;
  if (shares_[in].storm[c].take(t_.state->policers(in).storm[c], now_cycles)) return true;
  pc.count(static_cast<Drop>(static_cast<unsigned>(Drop::StormBroadcast) + c));
  return false;
}

void Worker::rx_burst(PortId in, rte_mbuf** pkts, uint16_t n) {
  const ForwardingState& fs = *t_.state;
  const PortState& ps = fs.port(in);
  PortCounters& pc = counters_[in];
  if (ps.shut.load(std::memory_order_relaxed)) [[unlikely]] {  // BPDU guard: nothing goes on
    pc.rx_packets += n;
    pc.count(Drop::PortShut, n);
    rte_pktmbuf_free_bulk(pkts, n);
    return;
  }
  StageClock clock(stages_);
  const uint64_t now_cycles = t_.clock->cycles();
  now_ms_ = t_.clock->cycles_to_ms(now_cycles);
  if (const uint32_t epoch = fs.mac_flush_epoch(); epoch != mac_flush_epoch_) [[unlikely]] {
    mac_flush_epoch_ = epoch;
    learn_filter_.clear();
  }
  // Read before this burst's MAC table lookups: see resolve_destinations().
  const bool moves_pending = t_.pending->moves_pending();

  // Frames decided in this burst, in arrival order. `entry` is an MFT hit whose ports are read
  // only in the delivery loop, so the prefetch issued by the lookup has time to land.
  struct Pending {
    rte_mbuf* m;
    const mft::Entry* entry;
    PortMask egress;
    VlanId vlan;
    bool tagged;
  };
  Pending pend[kBurst];
  uint16_t np = 0;

  // Keys are written in place with whole-word stores (mft::fill_key_v4, l2::MacKey::from_bytes):
  // never assembled in a temporary and copied, which stalls on store-to-load forwarding.
  l2::MacKey mac_keys[2 * kBurst];
  uint16_t mac_owner[2 * kBurst];   // pend index of each key
  bool mac_is_dst[2 * kBurst];      // destination lookup (else source learning)
  unsigned nmac = 0;
  uint64_t last_src = 0;  // key word of the previous frame's sender (0: none; VLAN 0 is never one)

  // Multicast data: (S,G) keys where the VLAN has source-specific entries, else (*,G) keys.
  const mft::Table& mft = *t_.mft;
  mft::Key sg_keys[kBurst];
  McastRef sg_ref[kBurst];
  unsigned nsg = 0;
  mft::Key g_keys[kBurst];
  McastRef g_ref[kBurst];
  unsigned ng = 0;

  rte_mbuf* punt[kBurst];
  unsigned npunt = 0;

  for (uint16_t i = 0; i < n && i < kPrefetchAhead; ++i)
    rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));

  for (uint16_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchAhead], void*));
    rte_mbuf* m = pkts[i];
    pc.rx_bytes += m->pkt_len;

    net::FrameInfo fi = net::classify_frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len,
                                            ipv4_checksum_verdict(m->ol_flags));
    if (fi.priority_tagged()) [[unlikely]] {
      strip_priority_tag(m);
      fi.tagged = false;
      fi.l3_offset = static_cast<uint16_t>(fi.l3_offset - 4);
    }
    // 802.1ad S-tagged frames are not switched (no QinQ support): counted as not allowed.
    const VlanId vlan = fi.qinq ? 0 : ps.ingress_vlan(fi.tagged, fi.vid);
    if (vlan == 0 || !fs.vlan(vlan).exists) [[unlikely]] {
      pc.count(Drop::VlanNotAllowed);
      rte_pktmbuf_free(m);
      continue;
    }
    const auto* eth = rte_pktmbuf_mtod(m, const uint8_t*);
    if (is_reserved_group(eth) && !admit_reserved(m, in, ps, pc)) [[unlikely]] continue;
    const VlanState& vs = fs.vlan(vlan);

    Pending& p = pend[np];
    p.m = m;
    p.entry = nullptr;
    p.egress = PortMask();
    p.vlan = vlan;
    p.tagged = fi.tagged;

    // Learning: a sender repeating the previous frame's costs one compare (a burst usually
    // comes from few senders, e.g. a router port carrying streams); one the LearnFilter has
    // settled on this port costs a cache probe; the others are looked up in the table.
    if (is_unicast_mac(eth + 6)) {
      const uint64_t src = l2::MacKey::from_bytes(eth + 6, vlan).word();
      if (src != last_src) {
        last_src = src;
        if (!source_settled(src, in, moves_pending)) {
          mac_keys[nmac] = l2::MacKey::from_word(src);
          mac_owner[nmac] = np;
          mac_is_dst[nmac] = false;
          ++nmac;
        }
      }
    }

    using C = net::FrameClass;
    switch (fi.cls) {
      case C::Malformed:
        pc.count(Drop::Malformed);
        rte_pktmbuf_free(m);
        continue;
      case C::Ipv6Reserved:
        pc.count(Drop::Ipv6Reserved);
        rte_pktmbuf_free(m);
        continue;
      case C::IgmpControl:
      case C::MldControl:
      case C::MrdControl6:
      case C::PimControl: {
        if (!net::group_mac_matches(eth, fi.group)) [[unlikely]] {
          pc.count(Drop::MacIpMismatch);
          rte_pktmbuf_free(m);
          continue;
        }
        const bool v6 = fi.cls == C::MldControl || fi.cls == C::MrdControl6 ||
                        (fi.cls == C::PimControl && fi.ethertype == net::ether_type::kIpv6);
        if (v6 ? vs.snoop_mld : vs.snoop_igmp) {
          if (!punt_admit(in, now_cycles)) {
            pc.count(Drop::PuntRateLimited);
            rte_pktmbuf_free(m);
            continue;
          }
          MbufMeta& md = meta(m);
          md.vlan = vlan;
          md.in_port = in;
          md.tagged = fi.tagged;
          punt[npunt++] = m;
          // Still learn the sender's MAC (its key was taken above); nothing more to forward.
          p.m = nullptr;
          ++np;
          continue;
        }
        if (ps.storm_on && !storm_admit(in, ps, StormClass::UnregisteredMulticast, now_cycles, pc)) {
          rte_pktmbuf_free(m);
          p.m = nullptr;  // its sender is still learned
          ++np;
          continue;
        }
        p.egress = vs.members;  // not snooped here: flood like any link-local frame
        ++pc.flooded;
        break;
      }
      case C::McastData4:
      case C::McastData6: {
        const bool v6 = fi.cls == C::McastData6;
        const uint8_t* ip = eth + fi.l3_offset;
        const McastRef ref{ip, np, v6};
        if (vs.source_lookup_needed(v6)) {
          fill_mcast_key(sg_keys[nsg], vlan, ref, true);
          sg_ref[nsg++] = ref;
        } else {
          fill_mcast_key(g_keys[ng], vlan, ref, false);
          g_ref[ng++] = ref;
        }
        break;
      }
      case C::Unicast:
        mac_keys[nmac] = l2::MacKey::from_bytes(eth, vlan);
        mac_owner[nmac] = np;
        mac_is_dst[nmac] = true;
        ++nmac;
        break;
      case C::LinkLocalMulticast:
      case C::Broadcast:
      case C::NonIpMulticast:
        if (ps.storm_on && !storm_admit(in, ps,
                                        fi.cls == C::Broadcast ? StormClass::Broadcast
                                                               : StormClass::UnregisteredMulticast,
                                        now_cycles, pc)) {
          rte_pktmbuf_free(m);
          p.m = nullptr;  // its sender is still learned
          break;
        }
        p.egress = vs.members;
        ++pc.flooded;
        break;
    }
    ++np;
  }
  pc.rx_packets += n;
  pc.mcast_lookups += nsg + ng;  // frames; an (S,G) miss adds a (*,G) lookup below
  clock.lap(Stage::Classify);

  // IP multicast data: (S,G) first where the VLAN has such entries; the misses join the
  // (*,G) batch; (*,G) misses get the VLAN's unregistered policy in the delivery loop.
  if (nsg) {
    const mft::Entry* found[kBurst];
    mft.lookup_bulk(sg_keys, nsg, found);
    for (unsigned k = 0; k < nsg; ++k) {
      if (found[k] != nullptr) {
        pend[sg_ref[k].pend].entry = found[k];
      } else {
        fill_mcast_key(g_keys[ng], pend[sg_ref[k].pend].vlan, sg_ref[k], false);
        g_ref[ng++] = sg_ref[k];
      }
    }
  }
  if (ng) {
    const mft::Entry* found[kBurst];
    mft.lookup_bulk(g_keys, ng, found);
    for (unsigned k = 0; k < ng; ++k) {
      Pending& p = pend[g_ref[k].pend];
      if (found[k] != nullptr) {
        p.entry = found[k];
      } else if (ps.storm_on &&
                 !storm_admit(in, ps, StormClass::UnregisteredMulticast, now_cycles, pc)) {
        rte_pktmbuf_free(p.m);
        p.m = nullptr;
      } else {
        p.egress = fs.vlan(p.vlan).unregistered_ports(g_ref[k].v6);
        ++pc.mcast_unregistered;
      }
    }
  }

  clock.lap(Stage::Lookup);  // the MFT lookups
  // Learning and unicast destinations: one bulk lookup for both. Sources are learned first, so
  // a destination learned earlier in this very burst is known to resolve_destinations().
  if (nmac) {
    uint64_t values[2 * kBurst];
    static_assert(2 * kBurst <= l2::MacTable::kMaxBulk, "one bulk lookup per burst");
    const uint64_t hits = t_.macs->lookup_bulk(mac_keys, nmac, values);
    clock.lap(Stage::Lookup);
    bool moved = false;
    for (unsigned k = 0; k < nmac; ++k)
      if (!mac_is_dst[k]) moved |= learn_source(mac_keys[k], (hits >> k) & 1, values[k], in, now_cycles, moves_pending, pc);
    int dst_port[2 * kBurst];
    resolve_destinations(mac_keys, mac_is_dst, nmac, hits, values, moves_pending || moved, dst_port);
    clock.lap(Stage::Learn);
    for (unsigned k = 0; k < nmac; ++k) {
      if (!mac_is_dst[k]) continue;
      // A known MAC goes to its port (nowhere if that is the ingress port); unknown floods.
      Pending& p = pend[mac_owner[k]];
      if (dst_port[k] >= 0) {
        p.egress = PortMask::of(static_cast<PortId>(dst_port[k]));
      } else if (ps.storm_on && !storm_admit(in, ps, StormClass::UnknownUnicast, now_cycles, pc)) {
        rte_pktmbuf_free(p.m);
        p.m = nullptr;
      } else {
        p.egress = fs.vlan(p.vlan).members;
        ++pc.flooded;
      }
    }
  }

  const PortMask open = ~fs.shut_ports();  // BPDU guard's shut ports get nothing
  for (uint16_t j = 0; j < np; ++j) {
    Pending& p = pend[j];
    if (p.m == nullptr) continue;
    const PortMask decided = p.entry != nullptr ? p.entry->ports : p.egress;
    // Never back out the ingress port; never outside the VLAN.
    const PortMask egress = (decided & fs.vlan(p.vlan).members & open).without(in);
    deliver(p.m, in, p.vlan, p.tagged, egress);
  }
  clock.lap(Stage::Deliver);

  if (npunt) {
    pc.punted += npunt;
    const unsigned done = rte_ring_mp_enqueue_burst(t_.punt, reinterpret_cast<void**>(punt), npunt, nullptr);
    if (done < npunt) {
      pc.count(Drop::PuntRingFull, npunt - done);
      pc.punted -= npunt - done;
      rte_pktmbuf_free_bulk(&punt[done], npunt - done);
    }
  }
  clock.lap(Stage::Punt);
}

bool Worker::source_settled(uint64_t src, PortId in, bool moves_pending) const {
  if (!learn_filter_.settled(src, in, now_ms_)) return false;
  if (!moves_pending) return true;
  // A move record elsewhere overrides what this worker settled: the host went and came back.
  PendingMacs::Found rec;
  return !t_.pending->find(src, &rec) || rec.port == in;
}

bool Worker::learn_source(const l2::MacKey& key, bool hit, uint64_t value, PortId in, uint64_t now_cycles,
                          bool moves_pending, PortCounters& pc) {
  const uint64_t word = key.word();
  const l2::MacValue seen = l2::MacValue::decode(value);
  // Where the switch forwards frames to this address now: its pending record, else the table.
  // The record is only looked for where the table may be overridden (it cannot be otherwise).
  PendingMacs::Found rec{};
  const bool has_rec = (!hit || seen.port != in || moves_pending) && t_.pending->find(word, &rec);
  const bool known = has_rec || hit;
  const bool believed_here = has_rec ? rec.port == in : hit && seen.port == in;
  // Masked like the stored time, so the difference survives the 48-bit wrap.
  const uint64_t age = (now_ms_ - seen.last_seen_ms) & l2::MacValue::kTimeMask;
  if (!has_rec && believed_here && age < t_.mac_refresh_ms) {
    learn_filter_.confirm(word, in, now_ms_, now_ms_ + (t_.mac_refresh_ms - age));
    return false;
  }
  // Believed elsewhere or nowhere: record it here before this frame is forwarded, so that no
  // frame to it is flooded or sent to the old port from now on (PendingMacs).
  PendingMacs::Write rec_write;
  if (!believed_here) {
    rec_write = t_.pending->record(word, in, known, now_cycles);
    if (rec_write.outcome == PendingMacs::Outcome::Full || rec_write.outcome == PendingMacs::Outcome::Evicted)
      pc.count(Drop::LearnPendingFull);
  }
  // A record written must be reported (its event retires it); otherwise the filter paces
  // reports of the same address.
  const bool due = learn_filter_.should_send(word, in, now_ms_);
  if (!due && !rec_write.ticket.valid()) return false;
  LearnEvent ev{};
  std::memcpy(ev.mac, key.mac.data(), 6);
  ev.vlan = key.vlan;
  ev.port = in;
  ev.pending = rec_write.ticket;
  if (rte_ring_mp_enqueue_elem(t_.learn, &ev, sizeof(ev)) != 0) {
    pc.count(Drop::LearnRingFull);
    // Nobody would retire it: undo the record (frames to the address flood, as they did
    // before it was written; the loss is counted).
    t_.pending->rollback(rec_write);
    return false;
  }
  return rec_write.ticket.valid() && known;
}

// Ordering. The table is read (bulk, in rx_burst) after moves_pending was loaded and before
// the records are probed here. A record that is gone was retired by the control lcore after it
// applied the address to the table, so a probe that misses, followed by a fresh table lookup,
// sees the address in the table (acquire on the probe, release on retire). Hence every key
// that misses both, and every key while a move record may override a hit, is looked up again.
void Worker::resolve_destinations(const l2::MacKey* keys, const bool* is_dst, unsigned n, uint64_t hits,
                                  const uint64_t* values, bool table_suspect, int* port_out) const {
  l2::MacKey again[2 * kBurst];
  uint8_t again_index[2 * kBurst];
  unsigned nagain = 0;
  for (unsigned k = 0; k < n; ++k) {
    if (!is_dst[k]) continue;
    const bool hit = (hits >> k) & 1;
    if (hit && !table_suspect) {
      port_out[k] = l2::MacValue::decode(values[k]).port;
      continue;
    }
    PendingMacs::Found rec;
    if (t_.pending->find(keys[k].word(), &rec)) {
      port_out[k] = rec.port;
      continue;
    }
    again[nagain] = keys[k];
    again_index[nagain++] = static_cast<uint8_t>(k);
  }
  if (nagain == 0) return;
  uint64_t fresh[2 * kBurst];
  const uint64_t fresh_hits = t_.macs->lookup_bulk(again, nagain, fresh);
  for (unsigned j = 0; j < nagain; ++j)
    port_out[again_index[j]] = (fresh_hits >> j) & 1 ? l2::MacValue::decode(fresh[j]).port : -1;
}

unsigned drain_inject(rte_ring* inject, TxStage& tx) {
  if (inject == nullptr) return 0;
  InjectItem items[kBurst];
  const unsigned n = rte_ring_sc_dequeue_burst_elem(inject, items, sizeof(InjectItem), kBurst, nullptr);
  for (unsigned i = 0; i < n; ++i) tx.emit_one(items[i].m, static_cast<PortId>(items[i].port));
  return n;
}

unsigned Worker::poll_once() {
  unsigned total = 0;
  rte_mbuf* pkts[kBurst];
  for (const RxQueue& q : rxqs_) {
    StageClock clock(stages_);
    const uint16_t n = rte_eth_rx_burst(q.dpdk_port, q.queue, pkts, kBurst);
    if (n == 0) continue;
    clock.lap(Stage::Rx);
    total += n;
    if (stages_ != nullptr) [[unlikely]] {
      ++stages_->bursts;
      stages_->frames += n;
    }
    rx_burst(q.port, pkts, n);
  }
  StageClock clock(stages_);
  total += drain_inject(inject_, tx_);
  tx_.flush();
  if (total != 0) clock.lap(Stage::Tx);  // an idle poll's flush is idle time, not TX
  t_.rcu->quiescent(index_);
  return total;
}

void Worker::run(const std::atomic<bool>& stop) {
  t_.rcu->register_reader(index_);
  t_.rcu->online(index_);
  while (!stop.load(std::memory_order_relaxed)) poll_once();
  tx_.flush();
  t_.rcu->offline(index_);
  t_.rcu->unregister_reader(index_);
}

TxWorker::TxWorker(unsigned /*index*/, std::vector<rte_ring*> inputs, std::vector<TxTarget> tx_targets,
                   const ForwardingState* state, rte_mempool* header_pool, rte_mempool* clone_pool,
                   unsigned nports, rte_ring* inject)
    : inputs_(std::move(inputs)), inject_(inject), state_(state), counters_(nports) {
  tx_.init(std::move(tx_targets), header_pool, clone_pool, counters_.data());
}

unsigned TxWorker::poll_once() {
  unsigned total = 0;
  rte_mbuf* pkts[kBurst];
  for (rte_ring* r : inputs_) {
    const unsigned n = rte_ring_sc_dequeue_burst(r, reinterpret_cast<void**>(pkts), kBurst, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      const MbufMeta& md = meta(pkts[i]);
      tx_.emit(pkts[i], md.vlan, md.tagged, PortMask(md.egress), state_->vlan(md.vlan).untagged);
    }
    total += n;
  }
  total += drain_inject(inject_, tx_);
  tx_.flush();
  return total;
}

void TxWorker::run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) poll_once();
  // Drain what the RX lcores handed over before they stopped.
  while (poll_once() != 0) {}
}

}  // namespace mcsnoop::dataplane
