// Router-side state of one (VLAN, group, port): RFC 3376 section 6 / RFC 3810 section 7.
//
// One code path serves IGMPv3 and MLDv2: addresses are IpAddr (v4-mapped for IPv4), and the
// RFC 3810 7.4 tables are the RFC 3376 6.4 tables with MALI for GMI and LLQT for LMQT.
//
//   INCLUDE(A):    every source in `sources` has a running timer; no group timer.
//   EXCLUDE(X,Y):  sources with a running timer are X ("requested"), sources whose timer is
//                  kStopped are Y ("exclude"); `group_expires` is the group timer GT.
//
// Thread safety: none.
#pragma once

#include <cstdint>

#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/mcast_msg.hpp"
#include "mcsnoop/snoop/engine.hpp"
#include "small_vec.hpp"
#include "timer_queue.hpp"

namespace mcsnoop::snoop {

// A timer value meaning "zero" in RFC 3376 terms: the source is in the EXCLUDE mode's Y list.
inline constexpr Ms kStopped = Ms::min();

enum class FilterMode : uint8_t { Include, Exclude };

struct SourceTimer {
  net::IpAddr addr;
  Ms expires;  // kStopped = timer 0 (Y list); otherwise the absolute expiry
  bool running() const { return expires != kStopped; }
};

// A host behind the port that holds the membership (explicit host tracking). The key is the
// report's IP source; 0.0.0.0 / :: (proxy reporters, DAD) is a host like any other.
struct TrackedHost {
  net::IpAddr addr;
  Ms expires;
};

// 88 bytes (96 with 32-bit list sizes): a membership is the one thing a report touches that
// is almost never in cache (engine_bench's 800,000 fit in no cache), so its size is most of
// the engine's memory per membership and decides how many lines a report waits for.
//  * The usual membership has one reporting host and no source (any-source joins) or one
//    source (source-specific joins): both lists keep one element inline, so neither kind
//    waits for a second, dependent miss on a heap block when it is refreshed (the smaller
//    layout that was tried instead: docs/performance.md, "Design notes moved from headers").
//  * Both lists are capped (kMaxHostsPerMembership, kMaxSourcesPerMembership), so their size
//    fields are one and two bytes, and the fields after the host list live in its tail
//    padding ([[no_unique_address]] lets the compiler reuse the padding of a non-POD member;
//    the static_assert below checks that it did).
struct Membership {
  // The most sources one membership may list (RFC 3376 9.1: bound what one host can make the
  // router hold). Far below what the list's uint16_t size counts, so assign() never refuses.
  static constexpr uint32_t kMaxSources = kMaxSourcesPerGroup;

  Ms group_expires = kNever;   // GT; meaningful in EXCLUDE mode only
  Ms v1_host_until = Ms{0};    // IGMPv1 Host Present timer (RFC 3376 7.3.2)
  Ms v2_host_until = Ms{0};    // IGMPv2 / MLDv1 Host Present timer
  [[no_unique_address]] SmallVec<TrackedHost, 1, uint8_t> hosts;  // unordered; expired entries are purged lazily
  uint16_t port = 0;
  FilterMode mode = FilterMode::Include;
  bool hosts_overflow = false; // more hosts than we track: never conclude "last host left"
  [[no_unique_address]] SmallVec<SourceTimer, 1, uint16_t> sources;  // sorted by address, unique
  // When the membership was created, in seconds of the engine's clock (show groups' up-time):
  // seconds in 32 bits, so that it fits the tail padding of `sources`.
  uint32_t joined_s = 0;

  // Group Compatibility Mode (RFC 3376 7.3.2 / RFC 3810 8.3.2): the oldest host version heard
  // within the Older Host Present Interval.
  net::Compat compat(Ms now) const {
    if (v1_host_until > now) return net::Compat::V1;
    if (v2_host_until > now) return net::Compat::V2;
    return net::Compat::V3;
  }

  const SourceTimer* find_source(const net::IpAddr& a) const;
  SourceTimer* find_source(const net::IpAddr& a);

  // An INCLUDE membership with no source forwards nothing and is deleted.
  bool is_empty() const { return mode == FilterMode::Include && sources.empty(); }

  // The earliest time something of this membership expires (group or source timer).
  Ms next_expiry() const;
};
static_assert(Membership::kMaxSources <= decltype(Membership::sources)::kMaxSize);
static_assert(sizeof(Membership) == 88, "the fields after `hosts` share its tail padding");

}  // namespace mcsnoop::snoop
