// Per-port counters, kept per worker (each lcore writes only its own copy; readers sum them).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mcsnoop::dataplane {

// Why a frame (or one copy of it) was not delivered. Names are the JSON keys of `show ports`.
enum class Drop : uint8_t {
  VlanNotAllowed,   // tagged with a VLAN the port does not carry, or untagged on a trunk without native VLAN
  Malformed,        // truncated, bad IPv4 header checksum, bad lengths (RFC 4541 2.1.2(6), 3)
  Ipv6Reserved,     // destination in ff00::/16 or ff01::/16 (must never appear on a link)
  PuntRateLimited,  // control packet over the port's igmp_rate_limit
  PuntRingFull,     // control core not keeping up
  ControlInvalid,   // punted control packet the control plane rejected (bad checksum, ...)
  TxQueueFull,      // the egress queue refused the copy
  NoMbuf,           // replication could not allocate a header or clone
  LearnRingFull,    // a MAC learning event was lost (the frame itself was forwarded)
  LearnPendingFull, // a learned address could not be held for the data path until the control
                    // lcore applies it (PendingMacs bucket full, or another one evicted);
                    // frames to it may flood meanwhile (the frame itself was forwarded)
  // Bridge protection (docs/security.md, "802.1Q bridge protection").
  ReservedMulticast,  // to 01:80:C2:00:00:01-0F, never relayed unless forward_reserved opens it
  BpduDropped,        // STP BPDU on a port with bpdu: drop
  BpduGuard,          // STP BPDU on a port with bpdu: guard (the port is shut)
  PortShut,           // received on a port BPDU guard has shut
  StormBroadcast,              // over the port's storm_control.broadcast rate
  StormUnknownUnicast,         // over storm_control.unknown_unicast
  StormUnregisteredMulticast,  // over storm_control.unregistered_multicast
  MacIpMismatch,      // IGMP/MLD/PIM/MRD whose destination MAC is not its IP group's (RFC 1112, 2464)
  TxNoMultiSeg,     // a chained frame too long for one mbuf, for a port that cannot send chains
  TxMtuExceeded,    // a copy longer than the egress port's MTU allows (PortState::max_frame)
  kCount
};

inline constexpr std::array<std::string_view, static_cast<size_t>(Drop::kCount)> kDropNames = {
    "vlan_not_allowed", "malformed", "ipv6_reserved", "punt_rate_limited", "punt_ring_full",
    "control_invalid", "tx_queue_full", "no_mbuf", "learn_ring_full", "learn_pending_full",
    "reserved_multicast", "bpdu_dropped", "bpdu_guard", "port_shut", "storm_broadcast",
    "storm_unknown_unicast", "storm_unregistered_multicast", "mac_ip_mismatch",
    "tx_no_multiseg", "tx_mtu_exceeded"};
static_assert(!kDropNames.back().empty(), "one name per Drop");

struct alignas(64) PortCounters {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t punted = 0;        // control frames handed to the control core (igmp_rx)
  uint64_t mcast_lookups = 0; // IP multicast data frames looked up in the MFT
  uint64_t mcast_unregistered = 0;
  uint64_t flooded = 0;       // broadcast, unknown unicast, link-local and non-IP multicast
  std::array<uint64_t, static_cast<size_t>(Drop::kCount)> drops{};

  void count(Drop d, uint64_t n = 1) { drops[static_cast<size_t>(d)] += n; }
  PortCounters& operator+=(const PortCounters& o) {
    rx_packets += o.rx_packets; rx_bytes += o.rx_bytes; tx_packets += o.tx_packets;
    tx_bytes += o.tx_bytes; punted += o.punted; mcast_lookups += o.mcast_lookups;
    mcast_unregistered += o.mcast_unregistered; flooded += o.flooded;
    for (size_t i = 0; i < drops.size(); ++i) drops[i] += o.drops[i];
    return *this;
  }
};

}  // namespace mcsnoop::dataplane
