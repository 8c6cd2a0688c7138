// The snooping protocol engine: pure, single-threaded, clock-free.
//
// Decoded IGMP/MLD/PIM/MRD messages and the current time go in; forwarding-set changes and
// packets to send come out through an Actions object. The engine never reads a clock, never
// allocates on behalf of the caller between calls beyond its own tables, and never includes
// DPDK. The control lcore owns one Engine; tests drive it with a virtual clock.
//
// Thread safety: none. Every call must come from one thread (the control lcore).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mcsnoop/core/keyed_hash.hpp"
#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/mcast_msg.hpp"

namespace mcsnoop::snoop {

using Ms = std::chrono::milliseconds;  // durations and time points (since an arbitrary epoch)

enum class RouterMode : uint8_t { Auto, Always, Never };
enum class UnregisteredPolicy : uint8_t { Flood, RouterPorts, Drop };

struct Timers {
  uint8_t robustness = 2;
  Ms query_interval{125'000};
  Ms query_response_interval{10'000};
  Ms last_member_query_interval{1'000};
  uint8_t last_member_query_count = 2;
};

struct QuerierConfig {
  bool enabled = false;
  std::optional<net::IpAddr> address;   // IPv4 querier source; nullopt = queries from 0.0.0.0 are not sent
  uint8_t version = 3;                  // IGMP 1|2|3
  std::optional<net::IpAddr> address6;  // MLD querier source (link-local)
  uint8_t mld_version = 2;              // MLD 1|2
};

struct StaticGroup {
  net::IpAddr group;
  std::optional<net::IpAddr> source;
  PortMask ports;
};

struct VlanConfig {
  VlanId id = 1;
  bool snooping = true;
  bool mld = true;                      // snoop MLD in this VLAN (else IPv6 multicast is flooded)
  Timers timers;
  UnregisteredPolicy unregistered = UnregisteredPolicy::Flood;
  QuerierConfig querier;
  std::vector<StaticGroup> static_groups;
  PortMask members;                     // ports carrying this VLAN (access or trunk)
  // Send RFC 4286 Multicast Router Solicitations into this VLAN at start and on link up. The
  // control plane reads it (it sends them); the engine does not.
  bool mrd_solicit = true;
  uint32_t max_groups = 0;              // learned groups in this VLAN; 0 = only the table's limit
};

struct PortConfig {
  RouterMode router = RouterMode::Auto;
  bool fast_leave = false;
  // Limits of what reports from the port may make the engine hold (static entries excluded).
  uint32_t max_groups = 0;              // memberships of the port; 0 = unlimited
  uint32_t max_sources_per_group = 64;  // sources one membership lists (1..kMaxSourcesPerGroup)
  uint32_t max_sources = 0;             // source states of all its memberships; 0 = unlimited
  bool flood_unregistered = false;
  bool flood_reports = false;           // also gets the VLAN's reports and leaves (RFC 4541 2.1.1(1))
  // Router guard: queries, PIM hellos and MRD advertisements/terminations from this port are
  // dropped and counted (not forwarded, no election, no timer lowering, never a router port).
  // Not combined with RouterMode::Always (the config refuses it; the engine lets guard win).
  bool router_guard = false;
};

// The most sources one membership may list, whatever a port's max_sources_per_group says.
inline constexpr uint32_t kMaxSourcesPerGroup = 1024;

struct EngineConfig {
  std::vector<PortConfig> ports;        // index = PortId
  std::vector<VlanConfig> vlans;
  // Whole-table limits of what reports create (static entries excluded); 0 = unlimited.
  uint32_t max_groups = 65536;          // learned (vlan, group) entries
  uint32_t max_sources = 65536;         // source states, summed over every membership
  // Key of the group index's hash (hosts choose the groups: see core/keyed_hash.hpp). Unset:
  // a random key drawn when the engine is built. Tests may fix it to be reproducible.
  std::optional<core::HashKey> hash_key;
};

// ---- outputs ----------------------------------------------------------------------------

// The egress set of one forwarding entry changed. Router ports of the family and the EXCLUDE
// ports are already merged in, so the data plane does no set algebra. `source` unset = (*,G).
struct FwdUpdate {
  VlanId vlan;
  net::IpAddr group;
  std::optional<net::IpAddr> source;
  PortMask ports;
  bool remove = false;                  // the entry is gone: fall back to (*,G) / unregistered
};

// Where unregistered multicast of a family goes in a VLAN now (policy, router ports and
// flood_unregistered ports combined).
struct UnregisteredUpdate {
  VlanId vlan;
  net::Family family;
  PortMask ports;
};

// A query the switch must transmit (its own querier, last-member queries, or a proxy general
// query after a topology change).
struct QueryToSend {
  VlanId vlan;
  net::Family family;
  net::Compat version;                  // V1/V2/V3 (for MLD: V2 = MLDv1, V3 = MLDv2)
  net::IpAddr src;                      // our querier address, or unspecified for a proxy query
  net::IpAddr group;                    // unspecified = general query
  std::vector<net::IpAddr> sources;     // group-and-source-specific query
  uint32_t max_resp_ms = 0;
  bool suppress = false;
  uint8_t qrv = 2;
  uint32_t qqi_s = 125;
  PortMask egress;
};

// What to do with the control packet that was just handed to receive().
struct PacketDisposition {
  enum class Kind : uint8_t { Forward, Drop } kind = Kind::Forward;
  PortMask egress;                      // ingress port never included
};

struct Actions {
  std::vector<FwdUpdate> fwd;
  std::vector<UnregisteredUpdate> unregistered;
  std::vector<QueryToSend> queries;
  PacketDisposition packet;
  void clear() { fwd.clear(); unregistered.clear(); queries.clear(); packet = {}; }
};

// One decoded message of a burst: the arguments of one receive() call.
struct Received {
  const net::McastMessage* msg;
  VlanId vlan;
  PortId port;
};

// ---- introspection (control socket) -------------------------------------------------------

struct GroupView {
  VlanId vlan;
  net::IpAddr group;
  std::optional<net::IpAddr> source;
  bool exclude_mode;                    // any port in EXCLUDE for this group
  PortMask ports;                       // member ports (router ports not added)
  bool is_static;
  Ms expires;                           // time left; 0 for static
};
struct RouterView {
  VlanId vlan;
  net::Family family;
  PortId port;
  bool is_static;
  Ms expires;                           // 0 for static
};
struct QuerierView {
  VlanId vlan;
  net::Family family;
  std::optional<net::IpAddr> querier;   // elected querier (ourselves when self)
  bool self;
  uint8_t version;                      // IGMP 1|2|3 or MLD 1|2 in use
  Ms expires;                           // other-querier-present time left; 0 when self
};

struct Counters {
  uint64_t messages = 0, queries = 0, reports = 0, leaves = 0, records = 0;
  uint64_t pim_hellos = 0, mrd = 0;
  uint64_t ignored_link_local = 0, ignored_ssm = 0, ignored_not_multicast = 0;
  uint64_t ignored_unknown_vlan = 0, ignored_not_querier_leave = 0;
  uint64_t refused_port_limit = 0, refused_table_full = 0;
  uint64_t queries_sent = 0, groups_expired = 0;
  // Added by the engine implementation (source compatible: new members only).
  uint64_t ignored_invalid_source = 0;   // unspecified/multicast/broadcast sources in records (E23)
  uint64_t refused_source_limit = 0;     // sources beyond a port's max_sources_per_group
  uint64_t ignored_router_guard = 0;     // router signals from a `multicast_router: never` port
  uint64_t ignored_compat = 0;           // records dropped by host compatibility mode (RFC 3376 7.3.2)
  uint64_t ignored_snooping_off = 0;     // messages in a VLAN/family that is not snooped
  uint64_t fast_leaves = 0;              // memberships pruned at once by fast leave
  uint64_t host_leaves_kept = 0;         // leaves that kept the port: other hosts still joined
  uint64_t mrd_terminations = 0;         // RFC 4286 terminations (router port left to age)
  uint64_t refused_vlan_limit = 0;       // new groups refused at a VLAN's max_groups
  uint64_t refused_port_sources = 0;     // sources refused at a port's max_sources
  uint64_t refused_table_sources = 0;    // sources refused at the whole table's max_sources
  uint64_t dropped_router_guard = 0;     // queries, PIM hellos, MRD adv/term dropped on guarded ports
  uint64_t topology_queries_deferred = 0; // link-up general queries held back by the throttle
};

// What the reports of one port hold now and how often its limits refused more (show ports,
// the fuzzer's invariants). Refused groups: at the port's, the VLAN's or the table's limit;
// refused sources: at any of the three source limits.
struct PortUsage {
  uint32_t groups = 0;                  // memberships (<= max_groups when that is not 0)
  uint32_t sources = 0;                 // source states (<= max_sources when that is not 0)
  uint64_t refused_groups = 0;
  uint64_t refused_sources = 0;
  uint32_t max_groups = 0;              // the port's configured limits (PortConfig)
  uint32_t max_sources = 0;
  uint32_t max_sources_per_group = 0;
};
// The whole table: learned groups and source states count towards the limits; groups with
// static entries do not.
struct TableUsage {
  uint32_t groups = 0;                  // learned groups (<= EngineConfig::max_groups)
  uint32_t static_groups = 0;           // groups with static entries
  uint64_t sources = 0;                 // source states (<= EngineConfig::max_sources)
};

// What the engine holds, for tests and the fuzzer's memory invariants. O(table): not for the
// control loop.
struct Footprint {
  size_t live_groups = 0;
  size_t group_slots = 0;       // live and free slots of the group table
  size_t timer_events = 0;      // events in the timer queue, stale ones included
  size_t memberships = 0;       // (group, port) memberships
  size_t sources = 0;           // source records of all memberships
  size_t max_member_sources = 0;  // the longest source list of one membership
  size_t max_member_hosts = 0;    // the most tracked hosts of one membership
  size_t pending_queries = 0;     // our last-member query retransmissions in flight
  size_t pending_sources = 0;     // sources listed in those
  // Per port, counted from the memberships themselves (to check the limits' own counters).
  std::array<uint32_t, kMaxPorts> port_memberships{};
  std::array<uint32_t, kMaxPorts> port_sources{};
  std::array<uint32_t, kMaxPorts> port_max_member_sources{};  // the port's longest source list
};

// Counters of one port (show ports).
struct PortCounters {
  uint64_t dropped_router_guard = 0;     // router signals dropped by this port's router guard
};

class Engine {
 public:
  explicit Engine(EngineConfig cfg);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Startup: initial unregistered sets of every VLAN and family, static groups and static
  // router ports published, and the startup queries of enabled queriers scheduled.
  void start(Ms now, Actions& out);

  // A decoded control message received on `port` in `vlan`. Sets out.packet to the ports the
  // original frame must be forwarded to (reports/leaves: router ports only; queries, PIM, MRD:
  // the VLAN), and appends any forwarding changes and queries it causes. Ports with
  // flood_reports get the reports and leaves too.
  void receive(const net::McastMessage& msg, VlanId vlan, PortId port, Ms now, Actions& out);

  // receive() for each message of a burst, in order: the same as receive(*in[i].msg,
  // in[i].vlan, in[i].port, now, out[i]) for every i (out holds at least in.size() Actions,
  // each appended to as by receive()). Only faster: on a group table larger than the caches a
  // report waits for about two memory round trips, and here the lookups of the next messages
  // are already on their way while one is applied.
  void receive_burst(std::span<const Received> in, Ms now, std::span<Actions> out);

  // Runs every timer due at or before `now`.
  void advance(Ms now, Actions& out);
  // The earliest time advance() has work to do; Ms::max() when none.
  Ms next_deadline() const;

  // Link state: down flushes memberships and router state learned on the port at once;
  // up sends a general query (own or proxy) into the VLANs of the port (topology change).
  void set_link(PortId port, bool up, Ms now, Actions& out);

  std::vector<GroupView> groups(Ms now) const;
  // groups() in slices, for tables too large to list in one go: appends the views of the groups
  // from `cursor` on until at least `max_views` were appended (a group's (*,G) and (S,G) views
  // are never split) or none is left, and advances `cursor`. Returns true when the listing is
  // complete. The table may change between calls: a group created or deleted meanwhile may be
  // listed or not, every other group is listed once. Start with cursor 0.
  bool groups_slice(size_t& cursor, size_t max_views, Ms now, std::vector<GroupView>& out) const;
  std::vector<RouterView> routers(Ms now) const;
  std::vector<QuerierView> queriers(Ms now) const;
  const Counters& counters() const;
  // Cheap (no allocation, O(1)): for the control socket and for tests checking the limits.
  PortUsage port_usage(PortId port) const;   // zeros for a port beyond the configured ones
  TableUsage table_usage() const;
  uint32_t vlan_groups(VlanId vlan) const;   // learned groups of the VLAN (<= its max_groups)
  // Counters of `port`; all zero for a port the engine does not know.
  const PortCounters& port_counters(PortId port) const;
  Footprint footprint() const;

  // ---- live reconfiguration (reconfigure.cpp) ------------------------------------------------
  // Takes over `next` after start() without losing state: learned memberships, router ports,
  // the querier election and timers running keep going. The forwarding changes and queries the
  // new settings cause are appended to `out` like those of any other call:
  //  * per port: router mode and router guard (a port that may no longer be a router loses its
  //    learned role at once), fast_leave, flood_unregistered, flood_reports and the limits
  //    (a lowered limit keeps what is held and refuses what is new until usage falls below it);
  //  * per VLAN: snooping and mld on/off (off: the family's groups, router ports and querier
  //    state are dropped and its multicast floods; on: snooping starts as at start()), timers
  //    (running timers keep their deadlines; new ones use the new values; our next general
  //    query comes no later than one new query interval), the unregistered policy, querier
  //    settings (enabled: startup queries as at start(); a new address takes part in the
  //    election from now), static groups (added and removed), max_groups, mrd_solicit;
  //  * the table's max_groups and max_sources.
  // Returns false and changes nothing when `next` has other ports, other VLANs or other VLAN
  // members than the running configuration (those need a restart). hash_key is ignored.
  bool reconfigure(const EngineConfig& next, Ms now, Actions& out);
  // The configuration in force (the constructor's, or the last one reconfigure() took).
  const EngineConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcsnoop::snoop
