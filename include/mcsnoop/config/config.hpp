// The validated, typed switch configuration: plain structs that mirror the YAML file.
//
// A Config only ever comes out of the loader (loader.hpp) after every check has passed, so the
// rest of the program may rely on its invariants without checking again:
//   * port names are unique, 1 <= ports.size() <= kMaxPorts, and a PortId is an index into
//     `ports` (configuration order);
//   * every VLAN a port carries has an entry in `vlans` (VLANs a port names but the file does
//     not list are added with `implicit = true` and the global snooping settings);
//   * every Vlan::effective holds the global `snooping` values merged with that VLAN's
//     overrides, and satisfies query_response_interval < query_interval;
//   * the lcores of `cores` are distinct, and exactly one of workers / (rx, tx) is in use.
// The meaning of each key, its default and its range are in docs/configuration.md.
//
// Thread safety: a Config is an immutable value once loaded; concurrent reads are safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::config {

using Duration = std::chrono::milliseconds;

enum class VlanMode : uint8_t { Access, Trunk };
// Router-port role of a port: learned from queries/PIM/MRD, pinned on, or never (queries and
// router signalling arriving on the port do not make it a router port).
enum class RouterMode : uint8_t { Auto, Always, Never };
// Where multicast without a registered listener goes in a VLAN.
enum class UnregisteredPolicy : uint8_t { Flood, RouterPorts, Drop };
enum class LogLevel : uint8_t { Trace, Debug, Info, Warn, Error };
// What a port does with the STP BPDUs it receives (mcsnoop runs no spanning tree).
enum class BpduMode : uint8_t { Flood, Drop, Guard };

// Spelling of each enum value in the YAML file (and in management output).
std::string_view to_string(VlanMode v);
std::string_view to_string(RouterMode v);
std::string_view to_string(UnregisteredPolicy v);
std::string_view to_string(LogLevel v);
std::string_view to_string(BpduMode v);

// ports[].storm_control: packets per second flooded from the port per class; 0 = off.
struct StormControl {
  uint32_t broadcast = 0;
  uint32_t unknown_unicast = 0;
  uint32_t unregistered_multicast = 0;
};

struct Dpdk {
  std::vector<std::string> eal_args;
};

struct Cores {
  unsigned control = 0;
  std::vector<unsigned> workers;  // run-to-completion lcores (RX + TX); empty when split
  std::vector<unsigned> rx;       // split roles: both non-empty, or both empty
  std::vector<unsigned> tx;

  bool split() const { return !rx.empty(); }
};

// ports[].mtu range: 68 is the least MTU IPv4 allows (RFC 791) and Linux's minimum for
// Ethernet; 9600 is above the switch vendors' jumbo MTU (9214/9216) and within every common
// NIC's jumbo limit (a 9728-byte frame: ixgbe, i40e, ice; mlx5 more).
inline constexpr uint16_t kMinMtu = 68;
inline constexpr uint16_t kMaxMtu = 9600;

struct Port {
  std::string name;
  std::string device;                       // PCI address or DPDK vdev spec, as written
  VlanMode vlan_mode = VlanMode::Access;
  VlanId vlan = 1;                          // access VLAN (meaningful in access mode only)
  std::vector<VlanId> allowed_vlans;        // trunk: sorted, unique, expanded ranges
  std::optional<VlanId> native_vlan;        // trunk: VLAN of untagged frames
  RouterMode multicast_router = RouterMode::Auto;
  bool fast_leave = false;
  // Limits of the state the port's reports create. The loader resolves an omitted max_groups
  // or max_sources to the port's fair share of the table's limit (snooping.max_groups /
  // max_sources divided by the number of ports, at least 1); 0 written explicitly = no
  // per-port limit (the table's limit still holds).
  uint32_t max_groups = 0;                  // memberships of the port
  uint32_t max_sources_per_group = 64;      // sources one (port, group) membership lists
  uint32_t max_sources = 0;                 // source states of all the port's memberships
  bool flood_unregistered = false;
  bool flood_reports = false;               // also receive the VLAN's reports and leaves
  uint32_t igmp_rate_limit = 1000;          // control packets per second punted from the port
  bool router_guard = false;                // drop and count queries, PIM hellos, MRD from the port
  // 802.1Q bridge protection (docs/configuration.md, docs/security.md).
  std::vector<uint8_t> forward_reserved;    // last bytes of 01:80:C2:00:00:xx relayed, 0x02-0x0f
  BpduMode bpdu = BpduMode::Flood;
  std::optional<uint32_t> max_macs;         // unset = fair share of mac_table.size; 0 = no limit
  StormControl storm_control;
  // L3 MTU (bytes after the Ethernet header, as Linux and rte_eth_dev_set_mtu count it),
  // kMinMtu..kMaxMtu; unset = the device keeps its default (DPDK's 1500).
  std::optional<uint16_t> mtu;

  // The VLANs this port carries, sorted: the access VLAN, or the trunk's allowed VLANs plus
  // its native VLAN.
  std::vector<VlanId> vlans() const;
  bool carries(VlanId vid) const;
};

// The `snooping` section; also the resolved per-VLAN settings (Vlan::effective).
struct SnoopingSettings {
  uint8_t robustness = 2;
  Duration query_interval{std::chrono::seconds(125)};
  Duration query_response_interval{std::chrono::seconds(10)};
  Duration last_member_query_interval{std::chrono::seconds(1)};
  uint8_t last_member_query_count = 2;
  UnregisteredPolicy unregistered = UnregisteredPolicy::Flood;
  bool mld = true;
  // Global section: limit of the whole group table. Vlan::effective: limit of that VLAN's
  // groups (the global value unless the VLAN overrides it).
  uint32_t max_groups = 65536;
  // Global section only (a VLAN cannot set it): source states in the whole table.
  uint32_t max_sources = 65536;
  bool mrd_solicit = true;  // send RFC 4286 Multicast Router Solicitations at start and link up

  bool operator==(const SnoopingSettings&) const = default;
};

// The keys of `snooping` that a VLAN sets itself; unset = inherit the global value.
struct SnoopingOverrides {
  std::optional<uint8_t> robustness;
  std::optional<Duration> query_interval;
  std::optional<Duration> query_response_interval;
  std::optional<Duration> last_member_query_interval;
  std::optional<uint8_t> last_member_query_count;
  std::optional<UnregisteredPolicy> unregistered;
  std::optional<bool> mld;
  std::optional<uint32_t> max_groups;
  std::optional<bool> mrd_solicit;

  // `defaults` with every set override applied.
  SnoopingSettings apply_to(const SnoopingSettings& defaults) const;
};

struct Querier {
  bool enabled = false;
  std::optional<net::IpAddr> address;   // IPv4 unicast source of our IGMP queries
  uint8_t version = 3;                  // IGMP 1|2|3
  std::optional<net::IpAddr> address6;  // IPv6 link-local source of our MLD queries
  uint8_t mld_version = 2;              // MLD 1|2
};

struct StaticGroup {
  net::IpAddr group;
  std::optional<net::IpAddr> source;    // set = (S,G) entry, unset = (*,G)
  PortMask ports;                       // by PortId
};

struct Vlan {
  VlanId id = 1;
  bool snooping = true;
  Querier querier;
  std::vector<StaticGroup> static_groups;
  SnoopingOverrides overrides;          // what the file set for this VLAN
  SnoopingSettings effective;           // global settings merged with `overrides`
  PortMask members;                     // ports carrying this VLAN (access or trunk)
  bool implicit = false;                // not listed in `vlans`, used by a port
};

struct MacTable {
  uint32_t size = 65536;
  Duration aging_time{std::chrono::seconds(300)};
  uint32_t move_limit = 5;  // moves of one address per second above which it counts as flapping
};

// control.metrics.listen: a numeric IPv4 address or a bracketed IPv6 address, and a port.
struct ListenAddress {
  std::string host;   // "127.0.0.1" or "::1" (brackets removed)
  uint16_t port = 0;  // 1-65535
  net::Family family = net::Family::V4;  // V6 when written in brackets
  // "127.0.0.1:9417" or "[::1]:9417", as written in the config.
  std::string to_string() const;
};

// Parses "host:port" / "[v6]:port"; nullopt with a one-line reason in *err otherwise. Hosts are
// numeric only: the switch resolves no names at start.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* err);

struct Control {
  std::string socket = "/run/mcsnoop/mcsnoop.sock";
  // The Prometheus endpoint (GET /metrics); unset = off (the default). Restart-required.
  std::optional<ListenAddress> metrics_listen;
};

struct Logging {
  LogLevel level = LogLevel::Info;
  std::optional<std::string> file;      // unset = stderr only
};

struct Config {
  Dpdk dpdk;
  Cores cores;
  std::vector<Port> ports;              // index = PortId
  std::vector<Vlan> vlans;              // listed VLANs in file order, then implicit ones by id
  SnoopingSettings snooping;
  MacTable mac_table;
  Control control;
  Logging logging;

  std::optional<PortId> find_port(std::string_view name) const;
  // The PortId of a port that must exist; throws std::out_of_range for an unknown name.
  PortId port_index(std::string_view name) const;
  const Vlan* find_vlan(VlanId id) const;
  // The VLANs port `p` carries (Port::vlans of ports[p]).
  std::vector<VlanId> port_vlans(PortId p) const;
};

}  // namespace mcsnoop::config
