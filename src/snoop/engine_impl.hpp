// Private state of snoop::Engine, shared by the engine's source files (one job each:
// engine.cpp lifecycle and views, reports.cpp membership learning, queries.cpp queries and
// router discovery, querier.cpp our own querier, forwarding.cpp forwarding-set publication,
// expiry.cpp timers and link state, burst.cpp receive_burst).
//
// Thread safety: none; the Engine is confined to the control lcore.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "compact_vec.hpp"
#include "filter_rows.hpp"
#include "group_hash.hpp"
#include "mcsnoop/snoop/engine.hpp"
#include "membership.hpp"
#include "open_hash_index.hpp"
#include "timer_queue.hpp"

namespace mcsnoop::snoop {

// Tuning constants (each bounds what one host can make the control plane hold, RFC 3376 9.1).
inline constexpr uint32_t kMaxSourcesPerMembership = Membership::kMaxSources;  // ports set lower caps
inline constexpr uint32_t kMaxHostsPerMembership = 32;     // beyond: stop concluding "last host left"
inline constexpr Ms kMinLoweredTimer{100};                 // E35: never race in-flight reports
inline constexpr Ms kDefaultMrdInterval{20'000};           // RFC 4286 AdvertisementInterval
inline constexpr size_t kTimerQueueSlack = 1024;           // stale events tolerated beyond 2 x owners

struct PendingQuery {
  uint16_t port = 0;
  uint8_t remaining = 0;       // retransmissions still to send (RFC 3376 6.6.3)
  bool group_query = false;    // Q(G); otherwise Q(G,S) with `sources`
  Ms next_at = kNever;
  std::vector<net::IpAddr> sources;
};

struct SourcePorts {
  net::IpAddr addr;
  PortMask ports;
};

// IpAddr's == is a call to memcmp (the defaulted <=> over a byte array); the per-record path
// compares group and host addresses with two 8-byte loads instead.
inline bool same_addr(const net::IpAddr& a, const net::IpAddr& b) {
  uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.bytes().data(), 8);
  std::memcpy(&a1, a.bytes().data() + 8, 8);
  std::memcpy(&b0, b.bytes().data(), 8);
  std::memcpy(&b1, b.bytes().data() + 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

// The rank of `port` among the ports of `mask` (how many are below it): the index of its
// membership in the sorted member array. std::popcount is a libgcc call in this library (it
// is built for baseline x86-64, without POPCNT), so the bit count is done inline.
inline uint32_t rank_below(PortMask mask, PortId port) {
  uint64_t x = mask.bits() & ((uint64_t{1} << port) - 1);
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<uint32_t>((x * 0x0101010101010101ULL) >> 56);
}

// Two cache lines, the first holding everything a refreshing report reads (key check,
// emptiness, publication state, timer); the second is read only when something changes or a
// timer runs.
struct alignas(64) Group {
  // Hot line.
  net::IpAddr addr;
  PortMask member_mask;                     // ports of `members`: rank = index, no search
  std::vector<Membership> members;          // sorted by port
  Ms armed_at = kNever;
  uint32_t gen = 0;
  VlanId vlan = 0;
  bool live = false;
  bool star_published = false;
  // Cold line.
  uint16_t vlan_slot = 0;
  uint32_t vlan_pos = 0;                    // index in VlanState::groups
  PortMask static_star;                     // static (*,G) ports
  PortMask star_ports;                      // last published (*,G) set
  CompactVec<SourcePorts> static_sources;   // static (S,G) ports, sorted by source
  CompactVec<SourcePorts> published;        // last published (S,G) sets, sorted by source
  std::vector<PendingQuery> pending;        // our own last-member query retransmissions

  Membership* find_member(PortId port) {
    if (!member_mask.test(port)) return nullptr;
    return &members[rank_below(member_mask, port)];
  }
  PortMask member_ports() const { return member_mask; }
};
static_assert(offsetof(Group, star_published) < 64 && offsetof(Group, vlan_slot) == 64,
              "hot fields fill the first cache line");
static_assert(sizeof(Group) == 128);
// The groups vector moves its Groups when it grows; a throwing move would make it copy them,
// and copies have new member arrays that the index's MemberLocator copies do not point to.
static_assert(std::is_nothrow_move_constructible_v<Group>);

// The copy of a group's member mask and array pointer kept in its index entry (see
// OpenHashIndex): with it a report computes its membership's address from the index slot
// alone and fetches it while the group's own line is still on its way. Group::members and
// member_mask are the truth; Impl::sync_members() refreshes the copy after every change.
struct MemberLocator {
  PortMask ports;
  Membership* members = nullptr;
};
using GroupIndex = OpenHashIndex<MemberLocator>;

struct RouterTimers {
  Ms query_until{0};   // other-querier-present interval after a query
  Ms pim_until{0};     // PIM hello holdtime
  Ms mrd_until{0};     // MRD NeighborDeadInterval
  Ms until() const { return std::max({query_until, pim_until, mrd_until}); }
};

struct RouterState {
  std::array<RouterTimers, kMaxPorts> timers{};
  PortMask learned;
  PortMask fixed;      // multicast_router: always
  Ms armed_at = kNever;
  PortMask ports() const { return learned | fixed; }
};

struct QuerierState {
  bool own_enabled = false;
  net::IpAddr own_addr;
  net::Compat own_version = net::Compat::V3;
  // The elected querier when it is not us (lower address than ours, or ours is disabled).
  bool other_present = false;
  net::IpAddr other_addr;
  PortId other_port = 0;
  Ms other_until{0};
  net::Compat other_version = net::Compat::V3;
  uint8_t other_qrv = 0;         // 0 = not given: use the configured robustness
  uint32_t other_qqi_s = 0;      // 0 = not given: use the configured query interval
  uint32_t other_mrt_ms = 0;     // from its general queries; 0 = use configured QRI
  // RFC 3376 6.6.2 / 7.3.1: an older-version query forces our querier down to that version.
  net::Compat oldest_heard = net::Compat::V3;
  Ms oldest_until{0};
  uint8_t startup_left = 0;
  Ms next_general = kNever;
  // Link-up general queries (RFC 4541 2.1.1(4)), at most one per topology_query_gap().
  Ms topology_allowed{0};        // the next one may go at or after this time
  bool topology_pending = false; // a link came up before topology_allowed: one query then
  Ms armed_at = kNever;
};

struct FamilyState {
  net::Family family = net::Family::V4;
  bool active = false;           // snooping runs for this family in this VLAN
  RouterState routers;
  QuerierState querier;
  bool unreg_published = false;
  PortMask unreg;
};

struct VlanState {
  VlanConfig cfg;
  std::array<FamilyState, net::kFamilyCount> fam;  // by net::family_slot()
  std::vector<uint32_t> groups;  // slots of the live groups of this VLAN
  uint32_t learned_groups = 0;   // those without static entries (cfg.max_groups)
  FamilyState& of(net::Family f) { return fam[net::family_slot(f)]; }
  const FamilyState& of(net::Family f) const { return fam[net::family_slot(f)]; }
};

// Protocol values in force for one VLAN and family (RFC 3376 8): configured, or adopted from
// the elected querier's queries (QRV, QQIC, MRT) when it is not us.
struct Params {
  uint32_t robustness;
  Ms query_interval;
  Ms query_response_interval;
  Ms gmi() const { return robustness * query_interval + query_response_interval; }
  Ms oqpi() const { return robustness * query_interval + query_response_interval / 2; }
};

// Bounds on the values adopted from an elected querier that is not us (a documented deviation
// from RFC 3376 8: one spoofed query must neither silence our querier for long nor keep
// stale memberships for hours). See docs/conformance.md.
struct AdoptedBounds {
  uint32_t min_qrv, max_qrv;   // QRV in [configured robustness, max(configured, 7)]
  Ms min_qqi, max_qqi;         // QQI in [QI / 2 (at least 1 s), 2 x QI]
  Ms max_mrt;                  // general-query MRT at most max(QI, QRI)
  Ms max_oqpi;                 // Other Querier Present Interval at most max(R, 2) x QI + QRI / 2
};
AdoptedBounds adopted_bounds(const Timers& t);
// The least time between two link-up general queries into one VLAN and family: the Query
// Response Interval (at least 1 s), since hosts still timing their answer to the last query
// answer a new one no sooner (RFC 3376 5.2).
Ms topology_query_gap(const Timers& t);

struct Engine::Impl {
  explicit Impl(EngineConfig c);

  // ---- configuration lookups
  const PortConfig& port_cfg(PortId p) const;
  VlanState* vlan_state(VlanId id);
  uint64_t group_hash(VlanId vlan, const net::IpAddr& g) const { return snoop::group_hash(hash_key, vlan, g); }

  // ---- group table (engine.cpp)
  Group* find_group(VlanId vlan, const net::IpAddr& g);
  // The group and the port's membership in it (either may be null), with the two cache misses
  // of the lookup overlapped: the per-record lookup of the report path.
  Group* find_membership(VlanId vlan, const net::IpAddr& g, PortId port, Membership*& m);
  // nullptr when a limit refuses it (the table's or the VLAN's max_groups, counted); a group
  // for static entries (`learned` false) is never refused. A new group counts as learned until
  // mark_static() is called for it.
  Group* create_group(VlanState& vs, const net::IpAddr& g, bool learned = true);
  void mark_static(Group& g);  // the group got its first static entry: no longer counted
  void delete_group(Group& g, Actions& out);
  void sync_members(Group& g);  // after a change of g.members: refreshes the index's copy
  uint32_t slot_of(const Group& g) const { return static_cast<uint32_t>(&g - groups.data()); }
  // After any change to a group: publish, arm its timer, delete it when nothing is left.
  // `touched` names the only thing of the group whose deadlines moved in this call (a report's
  // membership; not when the report also asked for queries, which moves pending queries and
  // lowers timers): then only its expiry is armed, instead of scanning every membership.
  // Every other deadline of the group is already covered by armed_at.
  void settle_group(Group& g, bool changed, Ms now, Actions& out, const Membership* touched = nullptr);
  void remove_member(Group& g, PortId port);
  // RFC 3376 6.3 / 6.5 timers of one membership (expire_timers), keeping the source counts.
  bool expire_member(Membership& m, Ms now);
  // A membership's source list went from `before` to `after` entries.
  void account_sources(PortId port, uint32_t before, uint32_t after);
  // The most sources the port's membership `m` may list after its next row: the port's
  // max_sources_per_group, and what the port's and the table's max_sources leave.
  struct SourceCap {
    uint32_t cap;
    uint64_t Counters::*counter;  // where refusals at this cap are counted
  };
  SourceCap source_cap(PortId port, const Membership& m) const;

  // ---- dispatch (engine.cpp): Engine::receive() without the timer-queue bound
  void receive_message(const net::McastMessage& msg, VlanId vlan, PortId port, Ms now, Actions& out);

  // ---- bursts (burst.cpp): cache hints for a message that receive() will get soon
  void prefetch_slots(const Received& in) const;  // its records' index slots
  void prefetch_state(const Received& in) const;  // their groups' hot lines and memberships

  // ---- reports (reports.cpp)
  void receive_report(VlanState& vs, FamilyState& fs, const net::McastMessage& msg, PortId port,
                      Ms now, Actions& out);
  void receive_record(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                      const net::GroupRecord& rec, PortId port, Ms now, Actions& out);
  bool prepare_sources(const net::McastMessage& msg, const net::GroupRecord& rec);
  Membership* join_member(VlanState& vs, Group*& g, const net::IpAddr& group, PortId port,
                          Ms now, Actions& out);
  void request_queries(VlanState& vs, FamilyState& fs, Group& g, Membership& m,
                       RowContext& cx, bool is_leave, Ms now, Actions& out);

  // ---- queries and router discovery (queries.cpp)
  // Router guard: true (and out.packet = Drop, counted) when `msg` is a router signal from a
  // guarded port.
  bool router_guard_drops(const net::McastMessage& msg, PortId port, Actions& out);
  void receive_query(VlanState& vs, FamilyState& fs, const net::McastMessage& msg, PortId port,
                     Ms now, Actions& out);
  void receive_router_signal(VlanState& vs, FamilyState& fs, const net::McastMessage& msg,
                             PortId port, Ms now, Actions& out);
  void learn_router(VlanState& vs, FamilyState& fs, PortId port, Ms RouterTimers::*which,
                    Ms until, Ms now, Actions& out);
  void age_routers(VlanState& vs, FamilyState& fs, Ms now, Actions& out);
  void routers_changed(VlanState& vs, FamilyState& fs, Actions& out);

  // ---- querier (querier.cpp)
  Params params(const VlanState& vs, const FamilyState& fs, Ms now) const;
  bool querier_is_self(const FamilyState& fs, Ms now) const;
  bool querier_known(const FamilyState& fs, Ms now) const;
  net::Compat querier_version(const FamilyState& fs, Ms now) const;
  Ms own_lmqt(const VlanState& vs) const;
  void hear_query(VlanState& vs, FamilyState& fs, const net::McastMessage& msg, PortId port,
                  Ms now);
  void run_querier(VlanState& vs, FamilyState& fs, Ms now, Actions& out);
  void arm_querier(VlanState& vs, FamilyState& fs);
  QueryToSend own_query(const VlanState& vs, const FamilyState& fs, Ms now) const;
  void send_general_query(VlanState& vs, FamilyState& fs, Ms now, Actions& out);
  void request_topology_query(VlanState& vs, FamilyState& fs, Ms now, Actions& out);  // throttled
  void send_topology_query(VlanState& vs, FamilyState& fs, Ms now, Actions& out);
  void send_pending(VlanState& vs, FamilyState& fs, Group& g, PendingQuery& pq, Ms now,
                    Actions& out);

  // ---- forwarding (forwarding.cpp)
  void publish_group(Group& g, PortMask routers, Actions& out);
  void unpublish_group(Group& g, Actions& out);
  void publish_unregistered(VlanState& vs, FamilyState& fs, Actions& out);
  PortMask source_ports(const Group& g, const net::IpAddr& s) const;  // without router ports
  void collect_sources(const Group& g);                                // into all_sources

  // ---- static entries and live reconfiguration (reconfigure.cpp)
  // Adds the static entry `sg` to its group (created when missing) and returns the group, not
  // yet settled; nullptr when the entry does not apply (family not snooped, not a snoopable
  // group, bad source) or no group could be made.
  Group* add_static(VlanState& vs, const StaticGroup& sg);
  // Removes every static entry of `g`; the group counts as learned again (not yet settled).
  void clear_static(Group& g);
  bool same_shape(const EngineConfig& next) const;  // same ports, VLANs and VLAN members
  void reconfigure_family(VlanState& vs, FamilyState& fs, Actions& out);
  void reconfigure_querier(VlanState& vs, FamilyState& fs, const VlanConfig& before, Ms now);
  void reconfigure_statics(VlanState& vs, Ms now, Actions& out);
  void flush_family(VlanState& vs, FamilyState& fs, Actions& out);
  // The router ports pinned by configuration (multicast_router: always, not guarded).
  PortMask fixed_routers(const VlanConfig& vc) const;

  // ---- timers and links (expiry.cpp)
  void arm_group(Group& g);
  void run_group_timers(Group& g, Ms now, Actions& out);
  void link_down(PortId port, Ms now, Actions& out);
  void link_up(PortId port, Ms now, Actions& out);
  // Keeps the timer queue within a constant factor of its owners: called after every public
  // call that can arm timers.
  void bound_timers();
  bool timer_current(const TimerEvent& e) const;

  PortMask vlan_egress(const VlanState& vs) const { return vs.cfg.members & link_up_mask; }

  EngineConfig cfg;
  std::vector<VlanState> vlans;
  std::array<uint16_t, 4096> vlan_slots;
  std::vector<Group> groups;
  std::vector<uint32_t> free_groups;
  core::HashKey hash_key;  // of group_hash(); before index, which is built with it
  GroupIndex index;
  uint32_t live_groups = 0;
  std::vector<uint32_t> port_groups;       // memberships per port (max_groups)
  std::vector<uint32_t> port_sources;      // source states per port (max_sources)
  std::vector<uint64_t> port_refused_groups;
  std::vector<uint64_t> port_refused_sources;
  uint32_t learned_groups = 0;             // live groups without static entries (max_groups)
  uint64_t total_sources = 0;              // source states of every membership (max_sources)
  PortMask link_up_mask{~uint64_t{0}};
  PortMask flood_reports;                  // ports with flood_reports: every report goes there too
  TimerQueue timers;
  Counters counters;
  std::array<PortCounters, kMaxPorts> port_counters{};
  std::array<MsgCounters, kMaxPorts> rx_msgs{};  // messages received per port, by type (engine_views.cpp)
  bool started = false;

  // Scratch buffers reused by every call, so steady-state processing does not allocate.
  std::vector<net::IpAddr> rec_sources;
  std::vector<net::IpAddr> query_sources;
  std::vector<net::IpAddr> all_sources;
  std::vector<SourceTimer> row_scratch;
  std::vector<SourcePorts> pub_scratch;
};

inline constexpr uint16_t kNoVlan = UINT16_MAX;

}  // namespace mcsnoop::snoop
