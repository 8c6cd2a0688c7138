#include "mcsnoop/dataplane/worker.hpp"

#include <cstring>

#include <rte_cycles.h>
#include <rte_prefetch.h>

#include "mcsnoop/dataplane/egress_rules.hpp"
#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/rcu/rcu_domain.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::dataplane {

namespace {

constexpr uint16_t kPrefetchAhead = 3;
static_assert(kBurstFrames == kBurst, "StageCycles::best is per full burst");

bool is_unicast_mac(const uint8_t* mac) { return (mac[0] & 1) == 0; }

// 01:80:C2:00:00:00-0F, the IEEE 802.1Q reserved group addresses (table 8-1): a C-VLAN bridge
// relays none of them. One 32-bit compare for the frames that are not.
inline bool is_reserved_group(const uint8_t* dst) {
  uint32_t first4;
  std::memcpy(&first4, dst, 4);
  return first4 == 0x00c28001u && dst[4] == 0 && dst[5] < 0x10;  // little-endian 01:80:c2:00
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

// A control frame's classification travels with it to the control lcore (if it is punted), which
// decodes from there instead of classifying the frame again.
inline void keep_classification(rte_mbuf* m, const net::FrameInfo& fi) {
  MbufMeta& md = meta(m);
  md.cls = static_cast<uint8_t>(fi.cls);
  md.l3_offset = fi.l3_offset;
  md.l4_offset = fi.l4_offset;
}

// Removes an 802.1Q priority tag (VID 0) in place, so the frame is plain untagged from here on.
void strip_priority_tag(rte_mbuf* m) {
  auto* p = rte_pktmbuf_mtod(m, uint8_t*);
  std::memmove(p + net::kVlanTagLen, p, net::kEthernetTypeOffset);
  rte_pktmbuf_adj(m, net::kVlanTagLen);
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
  tx_.init(std::move(tx_targets), header_pool, clone_pool, counters_.data(), shared.state);
}

inline void Worker::deliver(rte_mbuf* m, PortId in, VlanId vlan, bool tagged, PortMask egress) {
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

// ---- the RX stages, in the order a burst goes through them --------------------------------
//
// rx_burst() is the whole pipeline: each stage is one pass over the burst's slots (Burst, in
// worker.hpp), and a frame a stage consumes (drops and counts, or punts) leaves its slot empty
// for the stages after it. Split roles run the same stages; only deliver() hands the decided
// frames to the TX lcore instead of the local TX stage.

void Worker::rx_burst(PortId in, rte_mbuf** pkts, uint16_t n, StageClock& clock) {
  Burst& b = burst_;
  if (!begin_burst(b, in, pkts, n)) return;
  classify(b);
  clock.lap(Stage::Classify);
  ingress(b);
  clock.lap(Stage::Ingress);
  lookup_mcast(b);
  lookup_macs(b);
  clock.lap(Stage::Lookup);
  learn(b);
  clock.lap(Stage::Learn);
  deliver_burst(b);
  clock.lap(Stage::Deliver);
  punt_burst(b);
  clock.lap(Stage::Punt);
}

// Per-burst state the stages share; false when the port is shut (the burst was dropped).
bool Worker::begin_burst(Burst& b, PortId in, rte_mbuf** pkts, uint16_t n) {
  const ForwardingState& fs = *t_.state;
  b.in = in;
  b.ps = &fs.port(in);
  b.pc = &counters_[in];
  b.n = n;
  b.pkts = pkts;
  b.pc->rx_packets += n;
  if (b.ps->shut.load(std::memory_order_relaxed)) [[unlikely]] {  // BPDU guard: nothing goes on
    b.pc->count(Drop::PortShut, n);
    rte_pktmbuf_free_bulk(pkts, n);
    return false;
  }
  b.now_cycles = t_.clock->cycles();
  now_ms_ = t_.clock->cycles_to_ms(b.now_cycles);
  if (const uint32_t epoch = fs.mac_flush_epoch(); epoch != mac_flush_epoch_) [[unlikely]] {
    mac_flush_epoch_ = epoch;
    learn_filter_.clear();
  }
  // Read before this burst's MAC table lookups: see resolve_destinations().
  b.moves_pending = t_.pending->moves_pending();
  b.nsg = b.ng = b.nmac = b.npunt = 0;
  return true;
}

// Drops slot i's frame, counted as `why`.
void Worker::drop(Burst& b, unsigned i, Drop why) {
  b.pc->count(why);
  rte_pktmbuf_free(b.pkts[i]);
  b.pkts[i] = nullptr;
}

// Stage 1. Parse every frame once: its class, tag, where its IP header is, and (for control
// frames) whether its destination MAC is its group's. A priority tag (VID 0) is removed here,
// so later stages see the frame as plain untagged.
void Worker::classify(Burst& b) {
  for (unsigned i = 0; i < b.n && i < kPrefetchAhead; ++i) rte_prefetch0(rte_pktmbuf_mtod(b.pkts[i], void*));
  for (unsigned i = 0; i < b.n; ++i) {
    if (i + kPrefetchAhead < b.n) rte_prefetch0(rte_pktmbuf_mtod(b.pkts[i + kPrefetchAhead], void*));
    rte_mbuf* m = b.pkts[i];
    b.pc->rx_bytes += m->pkt_len;
    net::FrameInfo fi = net::classify_frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len,
                                            ipv4_checksum_verdict(m->ol_flags));
    if (fi.priority_tagged()) [[unlikely]] {
      strip_priority_tag(m);
      fi.tagged = false;
      fi.l3_offset = static_cast<uint16_t>(fi.l3_offset - net::kVlanTagLen);
      if (fi.l4_offset != 0) fi.l4_offset = static_cast<uint16_t>(fi.l4_offset - net::kVlanTagLen);
    }
    if (fi.is_control()) [[unlikely]] keep_classification(m, fi);
    b.cls[i] = fi.cls;
    b.tagged[i] = fi.tagged;
    // 802.1ad S-tagged frames are not switched (no QinQ support): VLAN 0 is never admitted.
    b.vlan[i] = fi.qinq ? VlanId{0} : fi.vid;
    b.l3[i] = fi.l3_offset;
    b.family[i] = fi.family();
    b.group_mac_ok[i] = !fi.is_control() ||
                        net::group_mac_matches(rte_pktmbuf_mtod(m, const uint8_t*), fi.group);
  }
}

// Stage 2. Ingress, frame by frame in arrival order (policers and the learning filter see the
// frames in the order they came). Two passes: VLAN admission, which also names each admitted
// frame's unicast sender and prefetches its learning-filter slot; then the sender's learning
// key and what the frame needs next, by which time those slots are in cache.
void Worker::ingress(Burst& b) {
  for (unsigned i = 0; i < b.n; ++i) {
    if (admit(b, i)) name_source(b, i);
  }
  uint64_t last_src = 0;  // key word of the previous frame's sender (0: none; VLAN 0 is never one)
  for (unsigned i = 0; i < b.n; ++i) {
    if (b.pkts[i] == nullptr) continue;
    take_source(b, i, last_src);
    dispatch(b, i);
  }
}

// 802.1Q ingress: the VLAN the frame belongs to on this port (or a drop), then bridge
// protection for the IEEE reserved group addresses. False when the frame was consumed.
inline bool Worker::admit(Burst& b, unsigned i) {
  const VlanId vid = b.vlan[i];
  const bool qinq = b.tagged[i] && vid == 0;  // classify() left VID 0 only for S-tags
  const VlanId vlan = qinq ? VlanId{0} : b.ps->ingress_vlan(b.tagged[i], vid);
  if (vlan == 0 || !t_.state->vlan(vlan).exists) [[unlikely]] {
    drop(b, i, Drop::VlanNotAllowed);
    return false;
  }
  b.vlan[i] = vlan;
  const auto* eth = rte_pktmbuf_mtod(b.pkts[i], const uint8_t*);
  if (is_reserved_group(eth) && !admit_reserved(b.pkts[i], b.in, *b.ps, *b.pc)) [[unlikely]] {
    b.pkts[i] = nullptr;  // admit_reserved() counted and freed it
    return false;
  }
  return true;
}

// The learning key word of an admitted frame's unicast sender (0 for a group source address,
// which is never learned), its learning-filter slot prefetched for take_source().
inline void Worker::name_source(Burst& b, unsigned i) {
  const auto* src_mac = rte_pktmbuf_mtod(b.pkts[i], const uint8_t*) + net::kEthernetSrcOffset;
  if (!is_unicast_mac(src_mac)) {
    b.src[i] = 0;
    return;
  }
  b.src[i] = l2::MacKey::from_bytes(src_mac, b.vlan[i]).word();
  learn_filter_.prefetch(b.src[i]);
}

// The learning key of an admitted frame's unicast sender, whatever becomes of the frame. A
// sender repeating the previous frame's costs one compare (a burst usually comes from few
// senders, e.g. a router port carrying streams); one the LearnFilter has settled on this port
// costs a cache probe; the others go to the MAC table lookup.
inline void Worker::take_source(Burst& b, unsigned i, uint64_t& last_src) {
  const uint64_t src = b.src[i];
  if (src == 0 || src == last_src) return;
  last_src = src;
  if (source_settled(src, b.in, b.moves_pending)) return;
  b.mac_keys[b.nmac] = l2::MacKey::from_word(src);
  b.mac_is_dst[b.nmac++] = false;
}

// What an admitted frame needs next, by class: dropped, punted, flooded now, or keyed for an
// MFT or MAC table lookup.
inline void Worker::dispatch(Burst& b, unsigned i) {
  using C = net::FrameClass;
  b.entry[i] = nullptr;
  b.egress[i] = PortMask();
  switch (b.cls[i]) {
    case C::Malformed: drop(b, i, Drop::Malformed); break;
    case C::Ipv6Reserved: drop(b, i, Drop::Ipv6Reserved); break;
    case C::IgmpControl:
    case C::MldControl:
    case C::MrdControl6:
    case C::PimControl: dispatch_control(b, i); break;
    case C::McastData4:
    case C::McastData6: key_mcast(b, i); break;
    case C::Unicast:
      b.mac_keys[b.nmac] = l2::MacKey::from_bytes(rte_pktmbuf_mtod(b.pkts[i], const uint8_t*), b.vlan[i]);
      b.mac_slot[b.nmac] = static_cast<uint16_t>(i);
      b.mac_is_dst[b.nmac++] = true;
      break;
    case C::Broadcast: flood(b, i, StormClass::Broadcast); break;
    case C::LinkLocalMulticast:
    case C::NonIpMulticast: flood(b, i, StormClass::UnregisteredMulticast); break;
  }
}

// A control frame: punted (policed) where its family is snooped in its VLAN, else flooded
// like any link-local frame.
void Worker::dispatch_control(Burst& b, unsigned i) {
  if (!b.group_mac_ok[i]) [[unlikely]] {
    drop(b, i, Drop::MacIpMismatch);
    return;
  }
  const VlanState& vs = t_.state->vlan(b.vlan[i]);
  if (!(b.family[i] == net::Family::V6 ? vs.snoop_mld : vs.snoop_igmp)) {
    flood(b, i, StormClass::UnregisteredMulticast);
    return;
  }
  if (!punt_admit(b.in, b.now_cycles)) {
    drop(b, i, Drop::PuntRateLimited);
    return;
  }
  MbufMeta& md = meta(b.pkts[i]);
  md.vlan = b.vlan[i];
  md.in_port = b.in;
  md.tagged = b.tagged[i];
  b.punt[b.npunt++] = b.pkts[i];
  b.pkts[i] = nullptr;
}

// A frame flooded to its VLAN, within the port's storm control rate for `cls`.
void Worker::flood(Burst& b, unsigned i, StormClass cls) {
  if (b.ps->storm_on && !storm_admit(b.in, *b.ps, cls, b.now_cycles, *b.pc)) {
    rte_pktmbuf_free(b.pkts[i]);
    b.pkts[i] = nullptr;
    return;
  }
  b.egress[i] = t_.state->vlan(b.vlan[i]).members;
  ++b.pc->flooded;
}

// Multicast data: the (S,G) key where the VLAN has source-specific entries of the family,
// else the (*,G) key (mcast_lookup_with_source), written in place from the IP header.
void Worker::key_mcast(Burst& b, unsigned i) {
  const uint8_t* ip = rte_pktmbuf_mtod(b.pkts[i], const uint8_t*) + b.l3[i];
  const net::Family family = b.family[i];
  if (mcast_lookup_with_source(t_.state->vlan(b.vlan[i]), family)) {
    fill_mcast_key(b.sg_keys[b.nsg], b.vlan[i], ip, family, true);
    b.sg_slot[b.nsg++] = static_cast<uint16_t>(i);
  } else {
    fill_mcast_key(b.g_keys[b.ng], b.vlan[i], ip, family, false);
    b.g_slot[b.ng++] = static_cast<uint16_t>(i);
  }
}

// Stage 3a. The MFT: (S,G) keys first; their misses join the (*,G) batch; (*,G) misses get the
// VLAN's unregistered policy (after storm control). The entry's ports are read only in
// deliver_burst(), so the prefetch the lookup issued has time to land.
void Worker::lookup_mcast(Burst& b) {
  b.pc->mcast_lookups += b.nsg + b.ng;  // frames; an (S,G) miss adds a (*,G) lookup below
  const mft::Entry* found[kBurst];
  if (b.nsg) {
    t_.mft->lookup_bulk(b.sg_keys, b.nsg, found);
    for (unsigned k = 0; k < b.nsg; ++k) {
      const unsigned i = b.sg_slot[k];
      if (found[k] != nullptr) {
        b.entry[i] = found[k];
        continue;
      }
      const uint8_t* ip = rte_pktmbuf_mtod(b.pkts[i], const uint8_t*) + b.l3[i];
      fill_mcast_key(b.g_keys[b.ng], b.vlan[i], ip, b.family[i], false);
      b.g_slot[b.ng++] = static_cast<uint16_t>(i);
    }
  }
  if (b.ng == 0) return;
  t_.mft->lookup_bulk(b.g_keys, b.ng, found);
  for (unsigned k = 0; k < b.ng; ++k) {
    const unsigned i = b.g_slot[k];
    if (found[k] != nullptr) {
      b.entry[i] = found[k];
    } else if (b.ps->storm_on &&
               !storm_admit(b.in, *b.ps, StormClass::UnregisteredMulticast, b.now_cycles, *b.pc)) {
      rte_pktmbuf_free(b.pkts[i]);
      b.pkts[i] = nullptr;
    } else {
      b.egress[i] = unregistered_egress(t_.state->vlan(b.vlan[i]), b.family[i]);
      ++b.pc->mcast_unregistered;
    }
  }
}

// Stage 3b. The MAC table: the senders to learn and the unicast destinations, in one bulk lookup.
void Worker::lookup_macs(Burst& b) {
  static_assert(2 * kBurst <= l2::MacTable::kMaxBulk, "one bulk lookup per burst");
  b.mac_hits = b.nmac ? t_.macs->lookup_bulk(b.mac_keys, b.nmac, b.mac_values) : 0;
}

// Stage 4. Learning, then the destinations. Sources are learned first, so a destination learned
// earlier in this very burst is known to resolve_destinations(). A known destination goes to
// its port (nowhere if that is the ingress port); an unknown one floods.
void Worker::learn(Burst& b) {
  if (b.nmac == 0) return;
  bool moved = false;
  for (unsigned k = 0; k < b.nmac; ++k) {
    if (!b.mac_is_dst[k]) {
      moved |= learn_source(b.mac_keys[k], (b.mac_hits >> k) & 1, b.mac_values[k], b.in, b.now_cycles,
                            b.moves_pending, *b.pc);
    }
  }
  int dst_port[2 * kBurst];
  resolve_destinations(b.mac_keys, b.mac_is_dst, b.nmac, b.mac_hits, b.mac_values, b.moves_pending || moved,
                       dst_port);
  for (unsigned k = 0; k < b.nmac; ++k) {
    if (!b.mac_is_dst[k]) continue;
    const unsigned i = b.mac_slot[k];
    if (dst_port[k] >= 0) {
      b.egress[i] = PortMask::of(static_cast<PortId>(dst_port[k]));
    } else {
      flood(b, i, StormClass::UnknownUnicast);
    }
  }
}

// Stage 5a. Every remaining frame to its final egress set (egress_rules.hpp: within the VLAN,
// never back to the ingress port, never to a shut port).
void Worker::deliver_burst(Burst& b) {
  const ForwardingState& fs = *t_.state;
  const PortMask open = ~fs.shut_ports();
  for (unsigned i = 0; i < b.n; ++i) {
    if (b.pkts[i] == nullptr) continue;
    const PortMask decided = decided_ports(b.entry[i], b.egress[i]);
    deliver(b.pkts[i], b.in, b.vlan[i], b.tagged[i], final_egress(decided, fs.vlan(b.vlan[i]), open, b.in));
  }
}

// Stage 5b. Control frames to the control lcore, in one enqueue.
void Worker::punt_burst(Burst& b) {
  if (b.npunt == 0) return;
  PortCounters& pc = *b.pc;
  pc.punted += b.npunt;
  const unsigned done = rte_ring_enqueue_burst(t_.punt, reinterpret_cast<void**>(b.punt), b.npunt, nullptr);
  if (done < b.npunt) {
    pc.count(Drop::PuntRingFull, b.npunt - done);
    pc.punted -= b.npunt - done;
    rte_pktmbuf_free_bulk(&b.punt[done], b.npunt - done);
  }
}

inline bool Worker::source_settled(uint64_t src, PortId in, bool moves_pending) const {
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
  if (rte_ring_enqueue_elem(t_.learn, &ev, sizeof(ev)) != 0) {
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
    rx_burst(q.port, pkts, n, clock);
    clock.commit(n);
  }
  StageClock clock(stages_);
  total += drain_inject(inject_, tx_);
  tx_.flush();
  if (total != 0) {  // an idle poll's flush is idle time, not TX
    clock.lap(Stage::Tx);
    clock.commit(total, false);
  }
  t_.rcu->quiescent(index_);
  return total;
}

void Worker::run(const std::atomic<bool>& stop) {
  t_.rcu->register_reader(index_);
  t_.rcu->online(index_);
  // One TSC read per iteration: busy when the poll found frames, idle otherwise (metrics).
  for (uint64_t last = rte_rdtsc(); !stop.load(std::memory_order_relaxed);) {
    const bool busy = poll_once() != 0;
    const uint64_t now = rte_rdtsc();
    cycles_.add(busy, now - last);
    last = now;
  }
  tx_.flush();
  t_.rcu->offline(index_);
  t_.rcu->unregister_reader(index_);
}

TxWorker::TxWorker(unsigned /*index*/, std::vector<rte_ring*> inputs, std::vector<TxTarget> tx_targets,
                   const ForwardingState* state, rte_mempool* header_pool, rte_mempool* clone_pool,
                   unsigned nports, rte_ring* inject)
    : inputs_(std::move(inputs)), inject_(inject), state_(state), counters_(nports) {
  tx_.init(std::move(tx_targets), header_pool, clone_pool, counters_.data(), state);
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
  for (uint64_t last = rte_rdtsc(); !stop.load(std::memory_order_relaxed);) {
    const bool busy = poll_once() != 0;
    const uint64_t now = rte_rdtsc();
    cycles_.add(busy, now - last);
    last = now;
  }
  // Drain what the RX lcores handed over before they stopped.
  while (poll_once() != 0) {}
}

}  // namespace mcsnoop::dataplane
