// Per-port and per-VLAN facts the workers read on every frame.
//
// Static parts are written once before the workers start and never again. The dynamic parts are
// single words the control lcore stores with release order and workers load relaxed, each never
// torn, where a value stale for one burst is harmless:
//   - each VLAN's unregistered-multicast set per address family (a whole PortMask);
//   - whether the MFT holds any source-specific (S,G) key of that VLAN and family. When it does
//     not (IGMPv2/MLDv1 or EXCLUDE-mode joins only, the common case), the worker skips the
//     (S,G) lookup, which could only miss. The flag is raised after the first (S,G) key is
//     published and lowered after the last one is erased, so a worker that sees it lowered
//     misses nothing but keys that were in the middle of changing anyway.
//   - which ports BPDU guard has shut (PortState::shut and the shut_ports() mask): a worker sets
//     them when a guarded port receives a BPDU, the control lcore clears them (`port enable`).
//   - the settings a live reload changes (ForwardingState::reconfigure): each
//     VLAN's snoop_igmp/snoop_mld, each port's forward_reserved, bpdu and storm control limits,
//     and the rates of its policers. Workers read them as plain values (the atomics' implicit
//     loads, a plain MOV on x86); a frame in flight during a reload sees the old or the new value.
// The per-port policers (punt, storm control) are shared by every lcore: see token_bucket.hpp.
#pragma once

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <memory>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/dataplane/spec.hpp"
#include "mcsnoop/dataplane/token_bucket.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::dataplane {

inline constexpr unsigned kVlanCount = 4096;

// The flooded traffic classes storm control limits.
enum class StormClass : uint8_t { Broadcast, UnknownUnicast, UnregisteredMulticast, kCount };
inline constexpr unsigned kStormClasses = static_cast<unsigned>(StormClass::kCount);

// A port's rate limits, shared by every lcore that receives from it.
struct PortPolicers {
  SharedTokenBucket punt;
  SharedTokenBucket storm[kStormClasses];  // configured only where the class's limit is not 0
};

struct PortState {
  uint16_t dpdk_port = 0;
  VlanMode mode = VlanMode::Access;
  VlanId access_vlan = 0;
  VlanId native_vlan = 0;               // trunk; 0 = untagged frames are dropped
  std::bitset<kVlanCount> tagged_vlans; // trunk: VLANs accepted and sent tagged
  std::atomic<bool> link_up{false};
  // Bridge protection (changed by a reload only): reserved addresses relayed (bit b:
  // 01:80:C2:00:00:0b), what a BPDU does, and the storm control limits by StormClass
  // (packets/s, 0 = off).
  std::atomic<uint16_t> forward_reserved{0};
  std::atomic<BpduMode> bpdu{BpduMode::Flood};
  std::atomic<bool> storm_on{false};  // any limit set
  std::atomic<uint32_t> storm_pps[kStormClasses] = {};
  // Shut by BPDU guard: nothing received is forwarded, nothing is sent to it.
  std::atomic<bool> shut{false};
  // The longest frame (bytes, FCS excluded) the port sends: max_frame_for(its MTU). A longer
  // copy is dropped at egress (Drop::TxMtuExceeded). Changed by a reload only.
  static constexpr uint32_t kDefaultMtu = 1500;
  std::atomic<uint32_t> max_frame{max_frame_for(kDefaultMtu)};
  // An MTU's longest frame: the Ethernet header and one VLAN tag on top, as the Linux bridge
  // allows (is_skb_forwardable).
  static constexpr uint32_t max_frame_for(uint32_t mtu) { return mtu + net::kEthernetHeaderLen + net::kVlanTagLen; }

  // The VLAN an arriving frame belongs to, or 0 when the port does not carry it.
  // `vid` is the 802.1Q VID when `tagged` (priority tags are stripped before this is asked).
  VlanId ingress_vlan(bool tagged, VlanId vid) const {
    if (!tagged) return mode == VlanMode::Access ? access_vlan : native_vlan;
    if (mode == VlanMode::Access) return vid == access_vlan ? vid : 0;
    if (vid == native_vlan || tagged_vlans.test(vid)) return vid;
    return 0;
  }
};

struct alignas(64) VlanState {
  PortMask members;                     // ports carrying the VLAN
  PortMask untagged;                    // members where it leaves untagged (access, trunk native)
  bool exists = false;
  std::atomic<bool> snoop_igmp{false};  // changed by a reload only
  std::atomic<bool> snoop_mld{false};
  std::array<std::atomic<uint64_t>, net::kFamilyCount> unregistered{};  // by net::family_slot()
  std::array<std::atomic<bool>, net::kFamilyCount> has_source_entries{};

  PortMask unregistered_ports(net::Family family) const {
    return PortMask(unregistered[net::family_slot(family)].load(std::memory_order_relaxed));
  }
  bool source_lookup_needed(net::Family family) const {
    return has_source_entries[net::family_slot(family)].load(std::memory_order_relaxed);
  }
};
static_assert(sizeof(VlanState) == 64, "one cache line per VLAN on the data path");

class ForwardingState {
 public:
  // `tsc_hz` sizes the policers (TscClock::hz()).
  ForwardingState(const SwitchSpec& spec, uint64_t tsc_hz);

  unsigned port_count() const { return nports_; }
  PortState& port(PortId p) { return ports_[p]; }
  const PortState& port(PortId p) const { return ports_[p]; }
  VlanState& vlan(VlanId v) { return vlans_[v]; }
  const VlanState& vlan(VlanId v) const { return vlans_[v]; }

  // Control lcore only: publish where unregistered multicast of `family` goes in `vlan`.
  void set_unregistered(VlanId vlan, net::Family family, PortMask ports) {
    vlans_[vlan].unregistered[net::family_slot(family)].store((ports & vlans_[vlan].members).bits(),
                                            std::memory_order_release);
  }
  // Bumped by the control lcore after it removes MAC addresses in bulk (a port's link went
  // down); workers then forget which senders they had settled (LearnFilter).
  uint32_t mac_flush_epoch() const { return mac_flush_epoch_.load(std::memory_order_acquire); }
  void bump_mac_flush_epoch() { mac_flush_epoch_.fetch_add(1, std::memory_order_release); }

  // Ports BPDU guard has shut; workers take them out of every egress set.
  PortMask shut_ports() const { return PortMask(shut_ports_.load(std::memory_order_relaxed)); }
  // Any lcore: shut `p` (BPDU guard). Returns true for the call that shut it.
  bool shut_port(PortId p) {
    if (ports_[p].shut.exchange(true, std::memory_order_acq_rel)) return false;
    shut_ports_.fetch_or(PortMask::of(p).bits(), std::memory_order_release);
    return true;
  }
  // Control lcore: reopen a shut port. Returns false when it was not shut.
  bool enable_port(PortId p) {
    if (!ports_[p].shut.exchange(false, std::memory_order_acq_rel)) return false;
    shut_ports_.fetch_and(~PortMask::of(p).bits(), std::memory_order_release);
    return true;
  }
  PortPolicers& policers(PortId p) { return policers_[p]; }

  // Control lcore only, after the workers started: takes over the settings of `next` that a
  // live reload may change (see above: snooping flags, bridge protection, policer rates), for
  // ports and VLANs that exist (`next` has the same ports and VLANs; others are ignored).
  void reconfigure(const SwitchSpec& next, uint64_t tsc_hz);

  // Control lcore only: whether the MFT holds (S,G) keys of `family` in `vlan`.
  void set_has_source_entries(VlanId vlan, net::Family family, bool any) {
    vlans_[vlan].has_source_entries[net::family_slot(family)].store(any, std::memory_order_release);
  }

 private:
  unsigned nports_;
  std::unique_ptr<PortState[]> ports_;
  std::unique_ptr<VlanState[]> vlans_;
  std::unique_ptr<PortPolicers[]> policers_;
  std::atomic<uint32_t> mac_flush_epoch_{0};
  std::atomic<uint64_t> shut_ports_{0};
};

}  // namespace mcsnoop::dataplane
