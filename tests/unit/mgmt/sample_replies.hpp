// Replies of the kind a switch with a few groups sends (same keys as control/show_views.cpp), one per `show` command. Shared by the
// rendering tests and the mcsnoopctl end-to-end tests.
#pragma once

#include <nlohmann/json.hpp>

namespace mcsnoop::mgmt::testing {

inline nlohmann::json sample_groups() {
  return nlohmann::json::parse(R"([
    {"vlan": 10, "group": "239.1.1.1", "source": null, "mode": "exclude",
     "ports": ["h1", "h2"], "static": false, "expires_s": 259.84},
    {"vlan": 10, "group": "239.1.1.1", "source": "10.0.0.1", "mode": "include",
     "ports": ["h1"], "static": false, "expires_s": 12.0},
    {"vlan": 200, "group": "ff3e::8000:1", "source": null, "mode": "exclude",
     "ports": [], "static": true, "expires_s": null}
  ])");
}

inline nlohmann::json sample_routers() {
  return nlohmann::json::parse(R"([
    {"vlan": 10, "family": "ipv4", "port": "uplink", "kind": "learned", "expires_s": 254.96},
    {"vlan": 10, "family": "ipv6", "port": "h3", "kind": "static", "expires_s": null}
  ])");
}

inline nlohmann::json sample_querier() {
  return nlohmann::json::parse(R"([
    {"vlan": 10, "family": "ipv4", "querier": "192.0.2.254", "self": true, "version": 3,
     "expires_s": null},
    {"vlan": 10, "family": "ipv6", "querier": "fe80::1", "self": false, "version": 2,
     "expires_s": 211.5}
  ])");
}

inline nlohmann::json sample_ports() {
  return nlohmann::json::parse(R"([
    {"name": "h1", "link": "up", "rx_packets": 1200, "tx_packets": 3400, "rx_bytes": 96000,
     "tx_bytes": 272000, "igmp_rx": 12, "flooded": 7, "mcast_lookups": 1100, "mcast_unregistered": 2,
     "drops": {"no_mbuf": 0, "policer": 3, "vlan": 1}},
    {"name": "uplink", "link": "down", "rx_packets": 0, "tx_packets": 0, "igmp_rx": 0,
     "drops": {"no_mbuf": 0}}
  ])");
}

inline nlohmann::json sample_stats() {
  return nlohmann::json::parse(R"(
    {"rx_packets": 5000, "tx_packets": 7000, "groups": 2, "drops": {"policer": 3, "no_mbuf": 0}}
  )");
}

}  // namespace mcsnoop::mgmt::testing
