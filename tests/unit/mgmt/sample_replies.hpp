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
    {"vlan": 10, "family": "ipv4", "port": "uplink", "kind": "learned", "expires_s": 254.96,
     "learned_by": ["query", "pim"], "timers": {"query": 254.96, "pim": 90.0}},
    {"vlan": 10, "family": "ipv6", "port": "h3", "kind": "static", "expires_s": null,
     "learned_by": ["static"], "timers": {}}
  ])");
}

inline nlohmann::json sample_querier() {
  return nlohmann::json::parse(R"([
    {"vlan": 10, "family": "ipv4", "querier": "192.0.2.254", "self": true, "version": 3,
     "expires_s": null, "port": null, "qrv": 2, "qqi_s": 125.0, "qri_s": 10.0, "next_query_s": 61.25,
     "own_querier": true},
    {"vlan": 10, "family": "ipv6", "querier": "fe80::1", "self": false, "version": 2,
     "expires_s": 211.5, "port": "uplink", "qrv": 3, "qqi_s": 90.0, "qri_s": 5.0, "next_query_s": null,
     "own_querier": false}
  ])");
}

inline nlohmann::json sample_ports() {
  return nlohmann::json::parse(R"([
    {"name": "h1", "link": "up", "mtu": 9000, "rx_packets": 1200, "tx_packets": 3400, "rx_bytes": 96000,
     "tx_bytes": 272000, "igmp_rx": 12, "flooded": 7, "mcast_lookups": 1100, "mcast_unregistered": 2,
     "drops": {"no_mbuf": 0, "punt_rate_limited": 3, "vlan": 1}, "groups": 3, "max_groups": 100,
     "policer_drops": 3, "nic": {"imissed": 5, "ierrors": 1, "oerrors": 0, "rx_nombuf": 0}},
    {"name": "uplink", "link": "down", "rx_packets": 0, "tx_packets": 0, "igmp_rx": 0,
     "drops": {"no_mbuf": 0}}
  ])");
}

inline nlohmann::json sample_group_detail() {
  return nlohmann::json::parse(R"([
    {"vlan": 10, "group": "232.1.1.1", "port": "h1", "static": false, "filter-mode": "exclude",
     "expire": 250.04, "compatibility": "IGMPv3", "version": 3, "up-time": 3600.0,
     "last-reporter": "10.0.0.11", "host-count": 2, "hosts_overflow": false,
     "hosts": [{"address": "10.0.0.11", "expire": 250.0}, {"address": "10.0.0.12", "expire": 100.0}],
     "sources": [{"address": "10.9.0.1", "expire": null, "blocked": true, "static": false}]},
    {"vlan": 10, "group": "232.1.1.1", "port": "h3", "static": true, "filter-mode": "include",
     "expire": null, "compatibility": "IGMPv3", "version": 3, "up-time": null,
     "last-reporter": null, "host-count": 0, "hosts_overflow": false, "hosts": [],
     "sources": [{"address": "10.9.0.2", "expire": null, "blocked": false, "static": true}]}
  ])");
}

inline nlohmann::json sample_vlans() {
  return nlohmann::json::parse(R"([
    {"id": 10, "members": ["h1", "h2", "uplink"], "tagged": ["uplink"], "snooping": true, "mld": true,
     "unregistered": "flood", "querier": {"ipv4": {"querier": "192.0.2.254", "self": true},
                                          "ipv6": {"querier": null, "self": false}},
     "router_ports": {"ipv4": ["uplink", "h1"], "ipv6": ["uplink", "h2"]}, "groups": 2, "max_groups": 0},
    {"id": 20, "members": ["uplink"], "tagged": ["uplink"], "snooping": false, "mld": false,
     "unregistered": "flood", "querier": {}, "router_ports": {"ipv4": [], "ipv6": []}, "groups": 0, "max_groups": 0}
  ])");
}

inline nlohmann::json sample_stats() {
  return nlohmann::json::parse(R"(
    {"rx_packets": 5000, "tx_packets": 7000, "groups": 2, "drops": {"policer": 3, "no_mbuf": 0}}
  )");
}

}  // namespace mcsnoop::mgmt::testing
