#include "mcsnoop/dataplane/tx_stage.hpp"

#include <bit>
#include <cstring>

#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::dataplane {

namespace {
constexpr uint16_t kMacBytes = net::kEthernetTypeOffset;  // destination + source: what precedes the type or tag
constexpr uint16_t kTagBytes = net::kVlanTagLen;

// Data bytes one mbuf of `pool` holds after the headroom (0 for a pool of bare mbuf headers).
uint32_t flat_room(rte_mempool* pool) {
  const uint32_t room = rte_pktmbuf_data_room_size(pool);
  return room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
}

// Where a flat copy of `m` comes from: the pool of the mbuf that holds m's data (a clone's
// own pool has no data room), i.e. the packet pool the frame was received or built in.
rte_mempool* copy_pool(const rte_mbuf* m) {
  return RTE_MBUF_CLONED(m) ? rte_mbuf_from_indirect(const_cast<rte_mbuf*>(m))->pool : m->pool;
}

// Copies bytes [off, off + len) of the (possibly chained) frame `m` to `dst`.
void copy_out(const rte_mbuf* m, uint32_t off, uint32_t len, uint8_t* dst) {
  const void* p = rte_pktmbuf_read(m, off, len, dst);
  if (p != dst) std::memcpy(dst, p, len);  // contiguous in m: rte_pktmbuf_read copied nothing
}

// A fresh single-segment mbuf of `len` bytes from `pool`, or null (no mbuf, or too long for
// one; `*too_long` tells which).
rte_mbuf* alloc_flat(rte_mempool* pool, uint32_t len, bool* too_long) {
  *too_long = len > flat_room(pool);
  if (*too_long) return nullptr;
  rte_mbuf* c = rte_pktmbuf_alloc(pool);
  if (c != nullptr && rte_pktmbuf_append(c, static_cast<uint16_t>(len)) == nullptr) {
    rte_pktmbuf_free(c);
    return nullptr;
  }
  return c;
}
}  // namespace

void TxStage::init(std::vector<TxTarget> targets, rte_mempool* header_pool,
                   rte_mempool* clone_pool, PortCounters* counters, const ForwardingState* state) {
  static const std::atomic<uint32_t> kNoLimit{UINT32_MAX};
  targets_ = std::move(targets);
  buffers_.assign(targets_.size(), Buffer{});
  for (PortId p = 0; p < buffers_.size(); ++p)
    buffers_[p].max_frame = state != nullptr && p < state->port_count() ? &state->port(p).max_frame : &kNoLimit;
  header_pool_ = header_pool;
  clone_pool_ = clone_pool;
  counters_ = counters;
  single_seg_ports_ = PortMask();
  for (PortId p = 0; p < targets_.size(); ++p)
    if (!targets_[p].multi_seg) single_seg_ports_.set(p);
}

// The other form of `m`: its MAC addresses in a fresh header mbuf, with the tag added
// (to_tagged) or removed, followed by an indirect clone of everything after the old header.
rte_mbuf* TxStage::make_variant(rte_mbuf* m, VlanId vlan, bool to_tagged) {
  rte_mbuf* hdr = rte_pktmbuf_alloc(header_pool_);
  if (hdr == nullptr) return nullptr;
  rte_mbuf* body = rte_pktmbuf_clone(m, clone_pool_);
  if (body == nullptr) {
    rte_pktmbuf_free(hdr);
    return nullptr;
  }
  const uint8_t* src = rte_pktmbuf_mtod(m, const uint8_t*);
  if (to_tagged) {
    // untagged: [MACs][type][payload] -> [MACs][8100][TCI] + clone of [type][payload]
    auto* h = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(hdr, kMacBytes + kTagBytes));
    std::memcpy(h, src, kMacBytes);
    net::store_be16(h + kMacBytes, net::ether_type::kVlan);
    net::store_be16(h + kMacBytes + 2, vlan & 0x0fff);
    rte_pktmbuf_adj(body, kMacBytes);
  } else {
    // tagged: [MACs][8100][TCI][type][payload] -> [MACs] + clone of [type][payload]
    auto* h = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(hdr, kMacBytes));
    std::memcpy(h, src, kMacBytes);
    rte_pktmbuf_adj(body, kMacBytes + kTagBytes);
  }
  hdr->next = body;
  hdr->nb_segs = static_cast<uint16_t>(1 + body->nb_segs);
  hdr->pkt_len = hdr->data_len + body->pkt_len;
  return hdr;
}

// The other form of `m` as ONE flat mbuf (for ports that cannot send chains): the whole frame
// copied, the tag added or removed on the way. Allocated from the packet pool m's data is in,
// whose data room holds any frame the ports receive unchained.
rte_mbuf* TxStage::make_flat_variant(const rte_mbuf* m, VlanId vlan, bool to_tagged) {
  const uint32_t body_off = to_tagged ? kMacBytes : kMacBytes + kTagBytes;
  if (m->pkt_len < body_off) return nullptr;
  const uint32_t body_len = m->pkt_len - body_off;
  const uint32_t len = kMacBytes + (to_tagged ? kTagBytes : 0) + body_len;
  bool too_long = false;
  rte_mbuf* c = alloc_flat(copy_pool(m), len, &too_long);
  if (c == nullptr) return nullptr;
  auto* d = rte_pktmbuf_mtod(c, uint8_t*);
  copy_out(m, 0, kMacBytes, d);
  uint32_t at = kMacBytes;
  if (to_tagged) {
    net::store_be16(d + at, net::ether_type::kVlan);
    net::store_be16(d + at + 2, vlan & 0x0fff);
    at += kTagBytes;
  }
  copy_out(m, body_off, body_len, d + at);
  return c;
}

// `m` is a chain (received with RX scatter) bound for a port that cannot send chains: one
// reference of it becomes a flat copy for that port. Null (counted) when it cannot.
rte_mbuf* TxStage::flat_copy_for(PortId port, rte_mbuf* m) {
  bool too_long = false;
  rte_mbuf* c = alloc_flat(copy_pool(m), m->pkt_len, &too_long);
  if (c != nullptr) copy_out(m, 0, m->pkt_len, rte_pktmbuf_mtod(c, uint8_t*));
  else counters_[port].count(too_long ? Drop::TxNoMultiSeg : Drop::NoMbuf);
  rte_pktmbuf_free(m);  // this port's reference (every segment carries it)
  return c;
}

void TxStage::emit_replicated(rte_mbuf* m, VlanId vlan, bool tagged, PortMask egress,
                              PortMask untagged_ports) {
  if (egress.empty()) {
    rte_pktmbuf_free(m);
    return;
  }
  const PortMask want_untagged = egress & untagged_ports;
  const PortMask want_tagged = egress & ~untagged_ports;
  const PortMask same = tagged ? want_tagged : want_untagged;
  PortMask other = tagged ? want_untagged : want_tagged;

  // Ports that cannot send chains share one flat copy instead of the header chain.
  PortMask flat = other & single_seg_ports_;
  other = other & ~single_seg_ports_;
  rte_mbuf* variant = nullptr;
  if (!other.empty()) {
    variant = make_variant(m, vlan, !tagged);  // takes its own reference on m's data
    if (variant == nullptr) {
      other.for_each([&](PortId p) { counters_[p].count(Drop::NoMbuf); });
      other = PortMask();
    }
  }
  rte_mbuf* flat_variant = nullptr;
  if (!flat.empty()) {
    flat_variant = make_flat_variant(m, vlan, !tagged);
    if (flat_variant == nullptr) {
      const Drop why = m->pkt_len + kTagBytes > flat_room(copy_pool(m)) ? Drop::TxNoMultiSeg : Drop::NoMbuf;
      flat.for_each([&](PortId p) { counters_[p].count(why); });
      flat = PortMask();
    }
  }
  if (same.empty()) {
    rte_pktmbuf_free(m);
  } else {
    emit_same(m, same);
  }
  if (variant != nullptr) {
    // Every segment of the chain carries the extra references, so each port's free walks it.
    if (other.count() > 1) rte_pktmbuf_refcnt_update(variant, static_cast<int16_t>(other.count() - 1));
    other.for_each([&](PortId p) { enqueue(p, variant); });
  }
  if (flat_variant != nullptr) {
    if (flat.count() > 1) rte_pktmbuf_refcnt_update(flat_variant, static_cast<int16_t>(flat.count() - 1));
    flat.for_each([&](PortId p) { enqueue(p, flat_variant); });
  }
}

void TxStage::emit_same(rte_mbuf* m, PortMask ports) {
  const unsigned n = ports.count();
  rte_mbuf* copies[kMaxPorts];
  if (n > 1 && m->nb_segs == 1 && m->pkt_len <= copy_max_ &&
      rte_pktmbuf_alloc_bulk(copy_pool(m), copies, n - 1) == 0) {
    // The first port gets m, the others a copy each (from the pool m's data is in). Every copy
    // is made before m is queued: a queue that fills transmits at once, and m may be freed.
    const auto* src = rte_pktmbuf_mtod(m, const uint8_t*);
    for (unsigned k = 0; k + 1 < n; ++k) {
      std::memcpy(rte_pktmbuf_mtod(copies[k], uint8_t*), src, m->data_len);
      copies[k]->data_len = m->data_len;
      copies[k]->pkt_len = m->pkt_len;
    }
    unsigned k = 0;
    ports.for_each([&](PortId p) {
      enqueue(p, k == 0 ? m : copies[k - 1]);
      ++k;
    });
    return;
  }
  if (n > 1) rte_pktmbuf_refcnt_update(m, static_cast<int16_t>(n - 1));
  ports.for_each([&](PortId p) { enqueue(p, m); });
}

// A copy longer than the port's MTU allows: this port's reference is released, counted.
void TxStage::drop_oversize(PortId port, rte_mbuf* m) {
  counters_[port].count(Drop::TxMtuExceeded);
  rte_pktmbuf_free(m);
}

void TxStage::flush_port(PortId port) {
  Buffer& b = buffers_[port];
  if (b.n == 0) return;
  const TxTarget& t = targets_[port];
  PortCounters& c = counters_[port];
  uint16_t sent;
  if (t.inject != nullptr) {
    std::array<InjectItem, kBurst> items;
    for (uint16_t i = 0; i < b.n; ++i) items[i] = InjectItem{b.pkts[i], port};
    sent = static_cast<uint16_t>(
        rte_ring_enqueue_burst_elem(t.inject, items.data(), sizeof(InjectItem), b.n, nullptr));
    // The worker that transmits them counts tx_packets.
  } else {
    uint64_t bytes = 0;
    for (uint16_t i = 0; i < b.n; ++i) bytes += b.pkts[i]->pkt_len;
    sent = rte_eth_tx_burst(t.dpdk_port, t.queue, b.pkts.data(), b.n);
    for (uint16_t i = sent; i < b.n; ++i) bytes -= b.pkts[i]->pkt_len;
    c.tx_packets += sent;
    c.tx_bytes += bytes;
  }
  if (sent < b.n) {
    c.count(Drop::TxQueueFull, b.n - sent);
    rte_pktmbuf_free_bulk(&b.pkts[sent], b.n - sent);
  }
  b.n = 0;
}

void TxStage::flush() {
  for (PortId p = 0; p < buffers_.size(); ++p)
    if (buffers_[p].n) flush_port(p);
}

}  // namespace mcsnoop::dataplane
