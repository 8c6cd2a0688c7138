// The router-side filter state machine of RFC 3376 6.4 (IGMPv3) and RFC 3810 7.4 (MLDv2),
// one function per table row, applied to one (VLAN, group, port) membership.
//
// The functions are pure state transitions: they never send anything. The "Send Q(G,S)" and
// "Send Q(G)" actions of a row are returned in RowContext; the engine decides what they mean
// (send as our querier and lower the timers, or wait for the elected querier's query).
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "membership.hpp"

namespace mcsnoop::snoop {

struct RowContext {
  Ms now;
  Ms gmi;                                   // Group Membership Interval / MALI now in force
  uint32_t max_sources;                     // most sources the list may hold after the row
                                            // (existing ones first, new ones refused beyond)
  std::vector<SourceTimer>* scratch;        // working buffer, reused across calls
  std::vector<net::IpAddr>* query_sources;  // out: "Send Q(G, S)" for these S
  bool query_group = false;                 // out: "Send Q(G)"
  bool changed = false;                     // out: the forwarding state changed
  uint32_t sources_refused = 0;             // out: sources not listed because of max_sources
};

// `b` is the record's source list, sorted and without duplicates.
void include_is_in(Membership& m, std::span<const net::IpAddr> b, RowContext& cx);
void include_is_ex(Membership& m, std::span<const net::IpAddr> b, RowContext& cx);
void exclude_is_in(Membership& m, std::span<const net::IpAddr> a, RowContext& cx);
void exclude_is_ex(Membership& m, std::span<const net::IpAddr> a, RowContext& cx);
void include_allow(Membership& m, std::span<const net::IpAddr> b, RowContext& cx);
void include_block(Membership& m, std::span<const net::IpAddr> b, RowContext& cx);
void include_to_ex(Membership& m, std::span<const net::IpAddr> b, RowContext& cx);
void include_to_in(Membership& m, std::span<const net::IpAddr> b, RowContext& cx);
void exclude_allow(Membership& m, std::span<const net::IpAddr> a, RowContext& cx);
void exclude_block(Membership& m, std::span<const net::IpAddr> a, RowContext& cx);
void exclude_to_ex(Membership& m, std::span<const net::IpAddr> a, RowContext& cx);
void exclude_to_in(Membership& m, std::span<const net::IpAddr> a, RowContext& cx);

// Dispatches a record to the row for the membership's current filter mode.
void apply_record(Membership& m, net::RecordType type, std::span<const net::IpAddr> sources,
                  RowContext& cx);

// RFC 3376 6.3 / 6.5: runs the source and group timers due at `now`. Returns true when the
// forwarding state changed.
bool expire_timers(Membership& m, Ms now);

// RFC 3376 6.6.1: a Q(G) with the S flag clear lowers GT to `until` (EXCLUDE mode only).
bool lower_group_timer(Membership& m, Ms until);
// RFC 3376 6.6.1: a Q(G,A) with the S flag clear lowers the running timers of A to `until`.
void lower_source_timers(Membership& m, std::span<const net::IpAddr> a, Ms until);

}  // namespace mcsnoop::snoop
