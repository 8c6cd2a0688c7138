// Configurations that must load, and the values they must load to.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "load_helpers.hpp"

namespace mcsnoop::config {
namespace {

using namespace std::chrono_literals;
using test::dump;
using test::load;

net::IpAddr ip(const char* text) { return net::IpAddr::parse(text).value(); }

const Config& loaded(const LoadResult& r) {
  EXPECT_TRUE(r.ok()) << dump(r.errors);
  static const Config kEmpty;
  return r.ok() ? *r.config : kEmpty;
}

TEST(LoadValid, MinimalConfigTakesEveryContractDefault) {
  const LoadResult r = load("ports:\n  - {name: p1, device: net_null0}\n");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.warnings.empty()) << dump(r.warnings);

  EXPECT_TRUE(c.dpdk.eal_args.empty());
  EXPECT_EQ(c.cores.control, 0u);
  EXPECT_EQ(c.cores.workers, (std::vector<unsigned>{1}));
  EXPECT_FALSE(c.cores.split());

  ASSERT_EQ(c.ports.size(), 1u);
  const Port& p = c.ports[0];
  EXPECT_EQ(p.name, "p1");
  EXPECT_EQ(p.device, "net_null0");
  EXPECT_EQ(p.vlan_mode, VlanMode::Access);
  EXPECT_EQ(p.vlan, 1);
  EXPECT_TRUE(p.allowed_vlans.empty());
  EXPECT_FALSE(p.native_vlan);
  EXPECT_EQ(p.multicast_router, RouterMode::Auto);
  EXPECT_FALSE(p.fast_leave);
  EXPECT_EQ(p.max_groups, 65536u) << "one port: its fair share is the whole table";
  EXPECT_EQ(p.max_sources_per_group, 64u);
  EXPECT_EQ(p.max_sources, 65536u);
  EXPECT_FALSE(p.flood_unregistered);
  EXPECT_FALSE(p.flood_reports);
  EXPECT_EQ(p.igmp_rate_limit, 1000u);
  EXPECT_FALSE(p.router_guard);

  const SnoopingSettings& s = c.snooping;
  EXPECT_EQ(s.robustness, 2);
  EXPECT_EQ(s.query_interval, 125s);
  EXPECT_EQ(s.query_response_interval, 10s);
  EXPECT_EQ(s.last_member_query_interval, 1s);
  EXPECT_EQ(s.last_member_query_count, 2);
  EXPECT_EQ(s.unregistered, UnregisteredPolicy::Flood);
  EXPECT_TRUE(s.mld);
  EXPECT_EQ(s.max_groups, 65536u);
  EXPECT_EQ(s.max_sources, 65536u);
  EXPECT_TRUE(s.mrd_solicit);

  EXPECT_EQ(c.mac_table.size, 65536u);
  EXPECT_EQ(c.mac_table.aging_time, 300s);
  EXPECT_EQ(c.control.socket, "/run/mcsnoop/mcsnoop.sock");
  EXPECT_EQ(c.logging.level, LogLevel::Info);
  EXPECT_FALSE(c.logging.file);

  // VLAN 1 is used by p1 without being listed: an implicit VLAN with the global settings.
  ASSERT_EQ(c.vlans.size(), 1u);
  const Vlan& v = c.vlans[0];
  EXPECT_EQ(v.id, 1);
  EXPECT_TRUE(v.implicit);
  EXPECT_TRUE(v.snooping);
  EXPECT_FALSE(v.querier.enabled);
  EXPECT_EQ(v.querier.version, 3);
  EXPECT_EQ(v.querier.mld_version, 2);
  EXPECT_EQ(v.effective, c.snooping);
  EXPECT_EQ(v.members, PortMask::of(0));
}

// The configuration of docs/contract.md, verbatim.
constexpr const char* kContractExample = R"(dpdk:
  eal_args: [--no-huge, -m, "512", --no-pci, --no-shconf, --file-prefix, mcsnoop, -l, "0-1"]
cores:
  control: 0            # lcore of the control plane (snooping engine, timers, management)
  workers: [1]          # lcores that poll RX queues, forward and transmit (run-to-completion)
  # rx: [1, 2]          # or split roles: RX lcores classify and hand bursts to TX lcores
  # tx: [3]
ports:
  - name: h1                                  # unique; used in logs, CLI and JSON
    device: "net_af_packet0,iface=sw-h1"      # a PCI address (0000:03:00.0) or a DPDK vdev spec
    vlan_mode: access                         # access | trunk
    vlan: 1                                   # access VLAN (frames leave untagged)
    # allowed_vlans: [10, "20-30"]            # trunk: VLANs carried tagged
    # native_vlan: 1                          # trunk: VLAN of untagged frames
    multicast_router: auto                    # auto (learned) | always | never (queries ignored)
    fast_leave: false                         # prune at once when the port's last host leaves
    max_groups: 0                             # per-port group limit, 0 = unlimited
    flood_unregistered: false                 # always receive unregistered multicast
    igmp_rate_limit: 1000                     # IGMP/MLD/PIM packets/s punted from this port
    router_guard: false                       # true: queries, PIM hellos, MRD from this port are
                                              # dropped and counted (no election, never a router)
vlans:
  - id: 1
    snooping: true
    querier: { enabled: true, address: 192.0.2.254, version: 3 }   # IGMP version 1|2|3
    # querier: { ..., address6: "fe80::1", mld_version: 2 }         # MLD querier (1|2)
    # static_groups: [{group: 239.1.1.1, source: 10.0.0.1, ports: [h1, h2]}]
    # any key of `snooping` may be overridden here
snooping:
  robustness: 2
  query_interval: 125s
  query_response_interval: 10s
  last_member_query_interval: 1s
  last_member_query_count: 2
  unregistered: flood     # flood | router-ports | drop (drop: nowhere, router ports included,
                          # a documented deviation from RFC 4541 2.1.2(3))
  mld: true
  max_groups: 65536       # whole-table limit; when full, new groups are refused, snooping goes on
mac_table:
  size: 65536
  aging_time: 300s
control:
  socket: /run/mcsnoop/mcsnoop.sock
logging:
  level: info             # trace | debug | info | warn | error
)";

TEST(LoadValid, ContractExample) {
  const LoadResult r = load(kContractExample);
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.dpdk.eal_args.size(), 9u);
  EXPECT_EQ(c.dpdk.eal_args[2], "512");
  EXPECT_EQ(c.cores.control, 0u);
  EXPECT_EQ(c.cores.workers, (std::vector<unsigned>{1}));
  ASSERT_EQ(c.ports.size(), 1u);
  EXPECT_EQ(c.ports[0].device, "net_af_packet0,iface=sw-h1");
  ASSERT_EQ(c.vlans.size(), 1u);
  const Vlan& v = c.vlans[0];
  EXPECT_FALSE(v.implicit);
  EXPECT_TRUE(v.querier.enabled);
  EXPECT_EQ(v.querier.address, ip("192.0.2.254"));
  EXPECT_EQ(v.querier.version, 3);
  EXPECT_FALSE(v.querier.address6);
  EXPECT_EQ(v.members, PortMask::of(0));
  EXPECT_EQ(c.control.socket, "/run/mcsnoop/mcsnoop.sock");
}

// A demo topology: three hosts and a router on one VLAN, test-speed timers, MLD querier too.
TEST(LoadValid, DemoStyleConfig) {
  const LoadResult r = load(R"(dpdk:
  eal_args: [--no-huge, -m, "512", --no-pci, --no-shconf, --file-prefix, demo, -l, "0-1",
             --vdev, "net_af_packet0,iface=sw-h1", --vdev, "net_af_packet1,iface=sw-h2"]
cores: {control: 0, workers: [1]}
ports:
  - {name: h1, device: "net_af_packet0,iface=sw-h1", vlan: 1, fast_leave: true}
  - {name: h2, device: "net_af_packet1,iface=sw-h2", vlan: 1}
  - {name: h3, device: "net_af_packet2,iface=sw-h3", vlan: 1}
  - {name: r, device: "net_af_packet3,iface=sw-r", vlan: 1, multicast_router: always}
vlans:
  - id: 1
    querier: {enabled: true, address: 10.0.0.254, version: 3, address6: "fe80::254", mld_version: 2}
snooping:
  robustness: 2
  query_interval: 2s
  query_response_interval: 1s
  last_member_query_interval: 500ms
  unregistered: router-ports
control: {socket: /tmp/mcsnoop-demo.sock}
logging: {level: debug}
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.ports.size(), 4u);
  EXPECT_EQ(c.ports[3].multicast_router, RouterMode::Always);
  EXPECT_TRUE(c.ports[0].fast_leave);
  ASSERT_EQ(c.vlans.size(), 1u);
  EXPECT_EQ(c.vlans[0].members, PortMask::all(4));
  EXPECT_EQ(c.vlans[0].effective.query_interval, 2s);
  EXPECT_EQ(c.vlans[0].effective.last_member_query_interval, 500ms);
  EXPECT_EQ(c.vlans[0].effective.unregistered, UnregisteredPolicy::RouterPorts);
  EXPECT_EQ(c.vlans[0].querier.address6, ip("fe80::254"));
  EXPECT_EQ(c.logging.level, LogLevel::Debug);
}

TEST(LoadValid, VlanOverridesMergeWithGlobalDefaults) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, vlan: 10}
  - {name: b, device: net_null1, vlan: 20}
vlans:
  - id: 10
    robustness: 3
    query_interval: 60s
    query_response_interval: 5s
    last_member_query_interval: 200ms
    last_member_query_count: 4
    unregistered: drop
    mld: false
    max_groups: 100
  - id: 20
snooping:
  robustness: 4
  unregistered: router-ports
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  const Vlan* v10 = c.find_vlan(10);
  const Vlan* v20 = c.find_vlan(20);
  ASSERT_TRUE(v10 && v20);
  EXPECT_EQ(v10->effective.robustness, 3);
  EXPECT_EQ(v10->effective.query_interval, 60s);
  EXPECT_EQ(v10->effective.query_response_interval, 5s);
  EXPECT_EQ(v10->effective.last_member_query_interval, 200ms);
  EXPECT_EQ(v10->effective.last_member_query_count, 4);
  EXPECT_EQ(v10->effective.unregistered, UnregisteredPolicy::Drop);
  EXPECT_FALSE(v10->effective.mld);
  EXPECT_EQ(v10->effective.max_groups, 100u);
  EXPECT_EQ(v10->overrides.robustness, 3);
  EXPECT_FALSE(v20->overrides.robustness);
  // VLAN 20 sets nothing: it inherits the global section, which itself changed two defaults.
  EXPECT_EQ(v20->effective, c.snooping);
  EXPECT_EQ(v20->effective.robustness, 4);
  EXPECT_EQ(v20->effective.unregistered, UnregisteredPolicy::RouterPorts);
  EXPECT_EQ(v20->effective.query_interval, 125s);
}

TEST(LoadValid, FloodReportsAndMrdSolicitExtensions) {
  const LoadResult r = load(R"(ports:
  - {name: h1, device: net_null0, vlan: 10}
  - {name: mon, device: net_null1, vlan: 10, flood_reports: true}
  - {name: h2, device: net_null2, vlan: 20, flood_reports: false}
vlans:
  - {id: 10, mrd_solicit: true}
  - {id: 20}
snooping:
  mrd_solicit: false
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(c.ports[0].flood_reports);
  EXPECT_TRUE(c.ports[1].flood_reports);
  EXPECT_FALSE(c.ports[2].flood_reports);
  EXPECT_FALSE(c.snooping.mrd_solicit);
  ASSERT_TRUE(c.find_vlan(10) && c.find_vlan(20));
  EXPECT_TRUE(c.find_vlan(10)->effective.mrd_solicit) << "a per-VLAN override";
  EXPECT_EQ(c.find_vlan(10)->overrides.mrd_solicit, true);
  EXPECT_FALSE(c.find_vlan(20)->effective.mrd_solicit) << "inherited from snooping";
}

TEST(LoadValid, TrunkMembershipAndImplicitVlans) {
  const LoadResult r = load(R"(ports:
  - name: up
    device: "0000:03:00.0"
    vlan_mode: trunk
    allowed_vlans: [30, "10-12", 11]
    native_vlan: 5
  - {name: h, device: "03:00.1", vlan: 10}
vlans:
  - id: 10
    static_groups: [{group: 239.1.1.1, ports: [up, h]}]
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.ports[0].allowed_vlans, (std::vector<VlanId>{10, 11, 12, 30}));
  EXPECT_EQ(c.ports[0].native_vlan, 5);
  EXPECT_EQ(c.port_vlans(0), (std::vector<VlanId>{5, 10, 11, 12, 30}));
  EXPECT_EQ(c.port_vlans(1), (std::vector<VlanId>{10}));
  EXPECT_TRUE(c.ports[0].carries(5));
  EXPECT_FALSE(c.ports[0].carries(13));

  // Listed VLAN first, then the implicit ones in id order.
  std::vector<VlanId> ids;
  for (const Vlan& v : c.vlans) ids.push_back(v.id);
  EXPECT_EQ(ids, (std::vector<VlanId>{10, 5, 11, 12, 30}));
  EXPECT_FALSE(c.find_vlan(10)->implicit);
  EXPECT_TRUE(c.find_vlan(30)->implicit);
  EXPECT_EQ(c.find_vlan(10)->members, PortMask(0b11));
  EXPECT_EQ(c.find_vlan(5)->members, PortMask(0b01));
  ASSERT_EQ(c.find_vlan(10)->static_groups.size(), 1u);
  EXPECT_EQ(c.find_vlan(10)->static_groups[0].ports, PortMask(0b11));
  EXPECT_EQ(c.find_vlan(10)->static_groups[0].group, ip("239.1.1.1"));
  EXPECT_FALSE(c.find_vlan(10)->static_groups[0].source);
}

TEST(LoadValid, PortLookup) {
  const LoadResult r = load("ports:\n  - {name: a, device: net_null0}\n  - {name: b, device: net_null1}\n");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.port_index("a"), 0);
  EXPECT_EQ(c.port_index("b"), 1);
  EXPECT_EQ(c.find_port("c"), std::nullopt);
  EXPECT_THROW(c.port_index("c"), std::out_of_range);
}

TEST(LoadValid, SplitRoles) {
  const LoadResult r = load(R"(dpdk: {eal_args: [-l, "0-3"]}
cores: {control: 0, rx: [1, 2], tx: [3]}
ports: [{name: a, device: net_null0}]
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(c.cores.split());
  EXPECT_TRUE(c.cores.workers.empty());
  EXPECT_EQ(c.cores.rx, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(c.cores.tx, (std::vector<unsigned>{3}));
}

TEST(LoadValid, CoresDefaultToTheEalLcores) {
  const LoadResult r = load("dpdk: {eal_args: [-l, \"2-5\"]}\nports: [{name: a, device: net_null0}]\n");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.cores.control, 2u);
  EXPECT_EQ(c.cores.workers, (std::vector<unsigned>{3, 4, 5}));
}

TEST(LoadValid, QuerierStaticGroupsAndExtensions) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: "net_pcap0,rx_pcap=/tmp/a.pcap,tx_pcap=/tmp/a-out.pcap"}
  - {name: b, device: "net_pcap1,iface=eth7", multicast_router: never, igmp_rate_limit: 50}
vlans:
  - id: 1
    querier: {enabled: true, address: 10.1.2.3, version: 2, address6: "fe80::1:2", mld_version: 1}
    static_groups:
      - {group: "ff15::abcd", ports: [a]}
      - {group: 232.1.1.1, source: 10.0.0.1, ports: [a, b]}
      - {group: 232.1.1.1, source: 10.0.0.2, ports: [b]}
logging: {level: warn, file: /var/log/mcsnoop.log}
mac_table: {size: 1024, aging_time: 1.5m}
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  const Vlan& v = c.vlans.at(0);
  EXPECT_EQ(v.querier.version, 2);
  EXPECT_EQ(v.querier.mld_version, 1);
  EXPECT_EQ(v.querier.address6, ip("fe80::1:2"));
  ASSERT_EQ(v.static_groups.size(), 3u);
  EXPECT_EQ(v.static_groups[0].group, ip("ff15::abcd"));
  EXPECT_EQ(v.static_groups[1].source, ip("10.0.0.1"));
  EXPECT_EQ(v.static_groups[1].ports, PortMask(0b11));
  EXPECT_EQ(c.ports[1].multicast_router, RouterMode::Never);
  EXPECT_EQ(c.ports[1].igmp_rate_limit, 50u);
  EXPECT_EQ(c.logging.level, LogLevel::Warn);
  EXPECT_EQ(c.logging.file, "/var/log/mcsnoop.log");
  EXPECT_EQ(c.mac_table.aging_time, 90s);
}

TEST(LoadValid, ListedVlanWithoutPortsIsAWarningNotAnError) {
  const LoadResult r = load("ports: [{name: a, device: net_null0}]\nvlans:\n  - id: 1\n  - id: 99\n");
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  EXPECT_TRUE(test::has_error(r.warnings, "vlans[1]", 4, "no port carries VLAN 99"));
  EXPECT_EQ(r.warnings.size(), 1u);
}

TEST(LoadValid, RouterGuardPerPort) {
  const LoadResult r = load(R"(ports:
  - {name: up, device: net_null0, multicast_router: always}
  - {name: h1, device: net_null1, router_guard: true}
  - {name: h2, device: net_null2, router_guard: true, multicast_router: never}
)");
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  EXPECT_FALSE(r.config->ports[0].router_guard);
  EXPECT_TRUE(r.config->ports[1].router_guard);
  EXPECT_TRUE(r.config->ports[2].router_guard);
}

TEST(LoadValid, LoadFileReadsFromDisk) {
  const std::string path = ::testing::TempDir() + "mcsnoop-config-test.yaml";
  {
    std::ofstream out(path);
    out << "ports:\n  - {name: x, device: net_null0, vlan: 7}\n";
  }
  const LoadResult r = load_file(path);
  std::remove(path.c_str());
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  EXPECT_EQ(r.config->ports[0].vlan, 7);
}

// Issue 8: an omitted per-port limit is the port's fair share of the table's limit, so the
// ports' shares add up to no more than the table; 0 written explicitly keeps meaning "no
// per-port limit" (the contract's `max_groups: 0 = unlimited`).
TEST(LoadValid, OmittedPortLimitsAreFairSharesOfTheTable) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0}
  - {name: b, device: net_null1, max_groups: 0, max_sources: 0}
  - {name: c, device: net_null2, max_groups: 10, max_sources: 500, max_sources_per_group: 1024}
snooping:
  max_groups: 1000
  max_sources: 3001
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.snooping.max_sources, 3001u);
  EXPECT_EQ(c.ports[0].max_groups, 333u);
  EXPECT_EQ(c.ports[0].max_sources, 1000u);
  EXPECT_EQ(c.ports[0].max_sources_per_group, 64u);
  EXPECT_EQ(c.ports[1].max_groups, 0u);
  EXPECT_EQ(c.ports[1].max_sources, 0u);
  EXPECT_EQ(c.ports[2].max_groups, 10u);
  EXPECT_EQ(c.ports[2].max_sources, 500u);
  EXPECT_EQ(c.ports[2].max_sources_per_group, 1024u);
}

TEST(LoadValid, FairShareIsAtLeastOne) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0}
  - {name: b, device: net_null1}
snooping: {max_groups: 1, max_sources: 1}
)");
  const Config& c = loaded(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.ports[0].max_groups, 1u) << "0 would mean no limit";
  EXPECT_EQ(c.ports[1].max_sources, 1u);
}

}  // namespace
}  // namespace mcsnoop::config
