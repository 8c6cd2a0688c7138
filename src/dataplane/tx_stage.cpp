#include "mcsnoop/dataplane/tx_stage.hpp"

#include <cstring>

#include "mcsnoop/net/byte_order.hpp"

namespace mcsnoop::dataplane {

namespace {
constexpr uint16_t kMacBytes = 12;   // destination + source
constexpr uint16_t kTagBytes = 4;
constexpr uint16_t kTpid8021Q = 0x8100;
}  // namespace

void TxStage::init(std::vector<TxTarget> targets, rte_mempool* header_pool,
                   rte_mempool* clone_pool, PortCounters* counters) {
  targets_ = std::move(targets);
  buffers_.assign(targets_.size(), Buffer{});
  header_pool_ = header_pool;
  clone_pool_ = clone_pool;
  counters_ = counters;
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
    net::store_be16(h + kMacBytes, kTpid8021Q);
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

  rte_mbuf* variant = nullptr;
  if (!other.empty()) {
    variant = make_variant(m, vlan, !tagged);  // takes its own reference on m's data
    if (variant == nullptr) {
      other.for_each([&](PortId p) { counters_[p].count(Drop::NoMbuf); });
      other = PortMask();
    }
  }
  if (same.empty()) {
    rte_pktmbuf_free(m);
  } else {
    if (same.count() > 1) rte_pktmbuf_refcnt_update(m, static_cast<int16_t>(same.count() - 1));
    same.for_each([&](PortId p) { enqueue(p, m); });
  }
  if (variant != nullptr) {
    // Every segment of the chain carries the extra references, so each port's free walks it.
    if (other.count() > 1) rte_pktmbuf_refcnt_update(variant, static_cast<int16_t>(other.count() - 1));
    other.for_each([&](PortId p) { enqueue(p, variant); });
  }
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
