// The multicast data forwarding decision, in the pieces that the workers and `explain` share.
//
// A worker decides a burst of multicast data frames in batches (Worker::rx_burst): it builds
// one key per frame, looks the keys up in bulk, resolves each hit or miss, and applies the
// final egress rule when it delivers. `explain` (src/control/explain.cpp) asks the same
// question for one frame on the control lcore and must get the worker's answer, so both call
// the functions here and neither has a second copy of a rule:
//
//   1. key:        fill_mcast_key(), the (S,G) key first where mcast_lookup_with_source() says
//                  the VLAN has source-specific entries of the family, else the (*,G) key;
//   2. lookup:     mft::Table::lookup_bulk() (an (S,G) miss is looked up again as (*,G));
//   3. resolution: an entry found decides (match_of(): "(S,G)" or "(*,G)"); a miss of both is
//                  unregistered multicast and goes to unregistered_egress() (storm control,
//                  which may drop it first, is a rate and not part of the decision);
//   4. final rule: final_egress(): the decided ports that carry the VLAN and are not shut by
//                  BPDU guard, never the ingress port.
// decide_mcast() composes them for one frame (explain, tests): a burst of one.
//
// Everything is inline and allocation-free; the functions only read their arguments. The
// lookups follow mft::Table's rules (registered readers, or the control lcore, the writer).
#pragma once

#include <cstdint>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/dataplane/forwarding_state.hpp"
#include "mcsnoop/mft/entry.hpp"
#include "mcsnoop/mft/key.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::dataplane {

// Which kind of MFT entry decided a multicast data frame.
enum class McastMatch : uint8_t {
  SourceGroup,  // an (S,G) entry (its ports include the group's EXCLUDE-mode and router ports)
  AnyGroup,     // the (*,G) entry
  None,         // no entry: the VLAN's unregistered policy
};

// "(S,G)", "(*,G)" or "none".
constexpr const char* to_string(McastMatch m) {
  switch (m) {
    case McastMatch::SourceGroup: return "(S,G)";
    case McastMatch::AnyGroup: return "(*,G)";
    case McastMatch::None: break;
  }
  return "none";
}

// 1. The (S,G) (with_source) or (*,G) key of a multicast data frame of `vlan`, straight from its
// IP header of `family` at `ip` (the classifier has checked that the header is there).
inline void fill_mcast_key(mft::Key& k, VlanId vlan, const uint8_t* ip, net::Family family, bool with_source) {
  if (family == net::Family::V6) {
    mft::fill_key_v6(k, vlan, ip + net::kIpv6DstOffset, with_source ? ip + net::kIpv6SrcOffset : nullptr);
  } else {
    mft::fill_key_v4(k, vlan, ip + net::kIpv4DstOffset, with_source ? ip + net::kIpv4SrcOffset : nullptr);
  }
}

// 1. Whether a frame of the family is looked up as (S,G) first. Where the VLAN has no (S,G) key
// of the family the lookup could only miss, so it is skipped (forwarding_state.hpp).
inline bool mcast_lookup_with_source(const VlanState& vs, net::Family family) {
  return vs.source_lookup_needed(family);
}

// 3. The match a lookup result stands for: a hit of an (S,G) or a (*,G) key, or a miss.
inline McastMatch match_of(const mft::Entry* found, bool source_key) {
  if (found == nullptr) return McastMatch::None;
  return source_key ? McastMatch::SourceGroup : McastMatch::AnyGroup;
}

// 3. Where unregistered multicast of the family goes in the VLAN (snooping.unregistered, per
// VLAN, published by the control lcore).
inline PortMask unregistered_egress(const VlanState& vs, net::Family family) {
  return vs.unregistered_ports(family);
}

// 3. The ports a frame is decided to: the matching entry's, else `fallback` (the unregistered
// policy, or whatever a non-MFT class decided). The entry is read only here, late, so the
// prefetch its lookup issued has time to land.
inline PortMask decided_ports(const mft::Entry* entry, PortMask fallback) {
  return entry != nullptr ? entry->ports : fallback;
}

// 4. The final rule for every frame: never back out the ingress port, never outside the VLAN,
// nothing to a port BPDU guard has shut (`open` = ~ForwardingState::shut_ports()). This is the
// one place where "egress ports are members of the VLAN" is enforced: the workers apply it to
// every frame they deliver and the control plane to every frame it forwards or originates, so
// the sets that decide (MFT entries, unregistered sets, the engine's) need not be filtered.
inline PortMask final_egress(PortMask decided, const VlanState& vs, PortMask open) {
  return decided & vs.members & open;
}
inline PortMask final_egress(PortMask decided, const VlanState& vs, PortMask open, PortId in) {
  return final_egress(decided, vs, open).without(in);
}

// One multicast data frame's whole decision, for callers outside the burst loop.
struct McastDecision {
  McastMatch match = McastMatch::None;
  bool source_looked_up = false;  // the (S,G) key was tried first (step 1)
  PortMask decided;               // the entry's ports, or the unregistered policy's
  PortMask egress;                // after the final rule
};

// decide_mcast(): steps 1-4 for the frame whose IP header is at `ip`, received on `in` in
// `vlan`, as Worker::rx_burst decides it in a burst of one (storm control aside). Reader or
// control lcore (mft::Table's rules); reads the forwarding state like a worker does.
inline McastDecision decide_mcast(const mft::Table& mft, const ForwardingState& fs, VlanId vlan,
                                  const uint8_t* ip, net::Family family, PortId in) {
  const VlanState& vs = fs.vlan(vlan);
  McastDecision d;
  mft::Key key;
  const mft::Entry* found[1] = {nullptr};
  d.source_looked_up = mcast_lookup_with_source(vs, family);
  if (d.source_looked_up) {
    fill_mcast_key(key, vlan, ip, family, true);
    mft.lookup_bulk(&key, 1, found);
    // From :: the IPv6 (S,G) key is the (*,G) key (key.hpp): a hit is the (*,G) entry.
    d.match = match_of(found[0], !key.is_any_source());
  }
  if (d.match == McastMatch::None) {
    fill_mcast_key(key, vlan, ip, family, false);
    mft.lookup_bulk(&key, 1, found);
    d.match = match_of(found[0], false);
  }
  d.decided = decided_ports(found[0], unregistered_egress(vs, family));
  d.egress = final_egress(d.decided, vs, ~fs.shut_ports(), in);
  return d;
}

}  // namespace mcsnoop::dataplane
