// Every class of configuration error: reported with its key path and line, and collected
// together rather than stopping at the first.
#include <gtest/gtest.h>

#include "load_helpers.hpp"

namespace mcsnoop::config {
namespace {

using test::has_error;
using test::load;
using test::only_error;

// ---- file level ---------------------------------------------------------------------------

TEST(LoadErrors, YamlSyntaxErrorNamesTheLine) {
  const LoadResult r = load("ports:\n  - {name: a, device: net_null0\nvlans: []\n");
  EXPECT_TRUE(only_error(r, "", 3, "YAML syntax error"));
}

TEST(LoadErrors, EmptyDocument) {
  EXPECT_TRUE(only_error(load(""), "", 1, "empty"));
  EXPECT_TRUE(only_error(load("# nothing but a comment\n"), "", 1, "empty"));
}

TEST(LoadErrors, MoreThanOneDocument) {
  EXPECT_TRUE(only_error(load("ports: []\n---\nports: []\n"), "", 3, "one YAML document"));
}

TEST(LoadErrors, RootMustBeAMapping) {
  EXPECT_TRUE(only_error(load("- a\n- b\n"), "", 1, "expected a mapping"));
}

TEST(LoadErrors, FileThatCannotBeRead) {
  const LoadResult r = load_file("/nonexistent/mcsnoop.yaml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 0);
  EXPECT_EQ(r.errors[0].to_string(), "/nonexistent/mcsnoop.yaml: cannot read the file: No such file or directory");
}

TEST(LoadErrors, DirectoryInsteadOfAFile) {
  const LoadResult r = load_file(::testing::TempDir());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("cannot read the file"), std::string::npos) << r.errors[0].message;
}

TEST(LoadErrors, ToStringFormat) {
  const LoadResult r = load("ports:\n  - {name: a, device: net_null0, vlan: 0}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "test.yaml:2: ports[0].vlan: 0 is out of range (1-4094)");
}

// ---- required keys --------------------------------------------------------------------------

TEST(LoadErrors, MissingPorts) {
  EXPECT_TRUE(only_error(load("logging: {level: info}\n"), "ports", 1, "missing required key"));
  EXPECT_TRUE(only_error(load("ports: []\n"), "ports", 1, "at least one port"));
  EXPECT_TRUE(only_error(load("ports:\n"), "ports", 1, "at least one port"));
}

TEST(LoadErrors, MissingPortNameAndDevice) {
  const LoadResult r = load("ports:\n  - vlan: 1\n  - {name: b}\n");
  EXPECT_TRUE(has_error(r, "ports[0].name", 2, "missing required key"));
  EXPECT_TRUE(has_error(r, "ports[0].device", 2, "missing required key"));
  EXPECT_TRUE(has_error(r, "ports[1].device", 3, "missing required key"));
  EXPECT_EQ(r.errors.size(), 3u) << test::dump(r.errors);
}

TEST(LoadErrors, MissingVlanId) {
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nvlans:\n  - snooping: true\n"),
                         "vlans[0].id", 3, "missing required key"));
}

// ---- unknown and duplicate keys, at every level --------------------------------------------

TEST(LoadErrors, UnknownKeysAtEveryLevel) {
  const LoadResult r = load(R"(portz: 1
dpdk: {eal_arg: []}
cores: {controll: 0}
ports:
  - {name: a, device: net_null0, vlna: 1}
vlans:
  - id: 1
    querier: {enabled: false, adress: 10.0.0.1}
    static_groups: [{group: 239.1.1.1, ports: [a], sauce: 10.0.0.1}]
    colour: blue
snooping: {robustnes: 2}
mac_table: {aging: 10s}
control: {path: /x}
logging: {lvl: info}
)");
  EXPECT_TRUE(has_error(r, "portz", 1, "did you mean 'ports'?"));
  EXPECT_TRUE(has_error(r, "dpdk.eal_arg", 2, "did you mean 'eal_args'?"));
  EXPECT_TRUE(has_error(r, "cores.controll", 3, "did you mean 'control'?"));
  EXPECT_TRUE(has_error(r, "ports[0].vlna", 5, "did you mean 'vlan'?"));
  EXPECT_TRUE(has_error(r, "vlans[0].querier.adress", 8, "did you mean 'address'?"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[0].sauce", 9, "unknown key"));
  EXPECT_TRUE(has_error(r, "vlans[0].colour", 10, "unknown key (known keys here: id, snooping"));
  EXPECT_TRUE(has_error(r, "snooping.robustnes", 11, "did you mean 'robustness'?"));
  EXPECT_TRUE(has_error(r, "mac_table.aging", 12, "unknown key"));
  EXPECT_TRUE(has_error(r, "control.path", 13, "unknown key"));
  EXPECT_TRUE(has_error(r, "logging.lvl", 14, "did you mean 'level'?"));
  // The port with the unknown key is still otherwise valid, and vlans[0] too, so the static
  // group's reference to port `a` is not reported as well.
  EXPECT_EQ(r.errors.size(), 11u) << test::dump(r.errors);
}

TEST(LoadErrors, DuplicateKey) {
  const LoadResult r = load("ports:\n  - name: a\n    device: net_null0\n    name: b\n");
  EXPECT_TRUE(only_error(r, "ports[0].name", 4, "duplicate key (first given on line 2)"));
}

// ---- wrong types ---------------------------------------------------------------------------

TEST(LoadErrors, WrongTypes) {
  const LoadResult r = load(R"(dpdk: {eal_args: [-l, {a: b}]}
ports:
  - name: a
    device: net_null0
    vlan: ten
    fast_leave: yes
    max_groups: "10"
    igmp_rate_limit: [1]
snooping:
  robustness: 2.5
  mld: 1
vlans: {id: 1}
)");
  EXPECT_TRUE(has_error(r, "dpdk.eal_args[1]", 1, "expected a string, got a mapping"));
  EXPECT_TRUE(has_error(r, "ports[0].vlan", 5, "expected an integer (1-4094), got 'ten'"));
  EXPECT_TRUE(has_error(r, "ports[0].fast_leave", 6, "expected true or false, got 'yes'"));
  EXPECT_TRUE(has_error(r, "ports[0].max_groups", 7, "remove the quotes"));
  EXPECT_TRUE(has_error(r, "ports[0].igmp_rate_limit", 8, "got a list"));
  EXPECT_TRUE(has_error(r, "snooping.robustness", 10, "expected an integer"));
  EXPECT_TRUE(has_error(r, "snooping.mld", 11, "expected true or false"));
  EXPECT_TRUE(has_error(r, "vlans", 12, "expected a list, got a mapping"));
  EXPECT_EQ(r.errors.size(), 8u) << test::dump(r.errors);
}

TEST(LoadErrors, FloodReportsAndMrdSolicitAreBooleans) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, flood_reports: yes}
  - {name: b, device: net_null1, flood_reports: "true"}
  - {name: c, device: net_null2, flood_report: true}
vlans:
  - {id: 1, mrd_solicit: 1}
snooping:
  mrd_solicit: on
)");
  EXPECT_TRUE(has_error(r, "ports[0].flood_reports", 2, "expected true or false, got 'yes'"));
  EXPECT_TRUE(has_error(r, "ports[1].flood_reports", 3, "expected true or false"));
  EXPECT_TRUE(has_error(r, "ports[2].flood_report", 4, "did you mean 'flood_reports'?"));
  EXPECT_TRUE(has_error(r, "vlans[0].mrd_solicit", 6, "expected true or false, got '1'"));
  EXPECT_TRUE(has_error(r, "snooping.mrd_solicit", 8, "expected true or false, got 'on'"));
  EXPECT_EQ(r.errors.size(), 5u) << test::dump(r.errors);
}

TEST(LoadErrors, RouterGuardIsABooleanAndNeverAStaticRouterPort) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, router_guard: yes}
  - {name: b, device: net_null1, multicast_router: always, router_guard: true}
  - {name: c, device: net_null2, router_guard: true, multicast_router: always}
  - {name: d, device: net_null3, multicast_router: always, router_guard: false}
)");
  EXPECT_TRUE(has_error(r, "ports[0].router_guard", 2, "expected true or false, got 'yes'"));
  EXPECT_TRUE(has_error(r, "ports[1].router_guard", 3, "cannot be combined with multicast_router: always"));
  EXPECT_TRUE(has_error(r, "ports[2].router_guard", 4, "cannot be combined with multicast_router: always"));
  EXPECT_EQ(r.errors.size(), 3u) << test::dump(r.errors);
}

TEST(LoadErrors, SectionThatIsNotAMapping) {
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nsnooping: 5\n"), "snooping", 2,
                         "expected a mapping"));
}

TEST(LoadErrors, EmptyValue) {
  EXPECT_TRUE(only_error(load("ports:\n  - name: a\n    device: net_null0\n    vlan:\n"), "ports[0].vlan", 4,
                         "got nothing"));
}

// ---- ranges --------------------------------------------------------------------------------

TEST(LoadErrors, OutOfRangeValues) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, vlan: 4095, max_groups: -1, igmp_rate_limit: 0}
  - {name: b, device: net_null1, vlan: 0}
vlans:
  - id: 5000
  - id: 2
    robustness: 8
    querier: {enabled: true, address: 10.0.0.1, version: 4, mld_version: 3}
snooping:
  robustness: 0
  last_member_query_count: 0
  max_groups: 0
  query_interval: 0s
  last_member_query_interval: 50ms
mac_table: {size: 0, aging_time: 0s}
)");
  EXPECT_TRUE(has_error(r, "ports[0].vlan", 2, "4095 is out of range (1-4094)"));
  EXPECT_TRUE(has_error(r, "ports[0].max_groups", 2, "-1 is out of range (0-16777216)"));
  EXPECT_TRUE(has_error(r, "ports[0].igmp_rate_limit", 2, "0 is out of range (1-1000000)"));
  EXPECT_TRUE(has_error(r, "ports[1].vlan", 3, "0 is out of range"));
  EXPECT_TRUE(has_error(r, "vlans[0].id", 5, "5000 is out of range (1-4094)"));
  EXPECT_TRUE(has_error(r, "vlans[1].robustness", 7, "8 is out of range (1-7)"));
  EXPECT_TRUE(has_error(r, "vlans[1].querier.version", 8, "4 is out of range (1-3)"));
  EXPECT_TRUE(has_error(r, "vlans[1].querier.mld_version", 8, "3 is out of range (1-2)"));
  EXPECT_TRUE(has_error(r, "snooping.robustness", 10, "0 is out of range (1-7)"));
  EXPECT_TRUE(has_error(r, "snooping.last_member_query_count", 11, "out of range (1-255)"));
  EXPECT_TRUE(has_error(r, "snooping.max_groups", 12, "out of range"));
  EXPECT_TRUE(has_error(r, "snooping.query_interval", 13, "0s is out of range (1s to 31744s)"));
  EXPECT_TRUE(has_error(r, "snooping.last_member_query_interval", 14, "out of range (100ms to"));
  EXPECT_TRUE(has_error(r, "mac_table.size", 15, "0 is out of range"));
  EXPECT_TRUE(has_error(r, "mac_table.aging_time", 15, "out of range"));
  EXPECT_EQ(r.errors.size(), 15u) << test::dump(r.errors);
}

TEST(LoadErrors, StateLimitsOutOfRange) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, max_sources_per_group: 0, max_sources: -1}
  - {name: b, device: net_null1, max_sources_per_group: 1025}
vlans:
  - id: 1
    max_groups: 0
    max_sources: 10
snooping:
  max_sources: 0
)");
  EXPECT_TRUE(has_error(r, "ports[0].max_sources_per_group", 2, "0 is out of range (1-1024)"));
  EXPECT_TRUE(has_error(r, "ports[0].max_sources", 2, "-1 is out of range (0-16777216)"));
  EXPECT_TRUE(has_error(r, "ports[1].max_sources_per_group", 3, "1025 is out of range (1-1024)"));
  EXPECT_TRUE(has_error(r, "vlans[0].max_groups", 6, "0 is out of range (1-16777216)"));
  EXPECT_TRUE(has_error(r, "vlans[0].max_sources", 7, ""));  // global only: unknown in a VLAN
  EXPECT_TRUE(has_error(r, "snooping.max_sources", 9, "0 is out of range (1-16777216)"));
  EXPECT_EQ(r.errors.size(), 6u) << test::dump(r.errors);
}

TEST(LoadErrors, HugeIntegerIsOutOfRangeNotAnOverflow) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: a, device: net_null0, max_groups: 99999999999999999999999}\n"),
                         "ports[0].max_groups", 2, "out of range"));
}

TEST(LoadErrors, ResponseIntervalMustBeShorterThanQueryInterval) {
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nsnooping:\n  query_interval: 10s\n"
                              "  query_response_interval: 10s\n"),
                         "snooping.query_response_interval", 4, "10s must be shorter than query_interval (10s)"));
  // Here the VLAN changes only the query interval, so that is the key to blame.
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nvlans:\n  - id: 1\n    query_interval: 5s\n"),
                         "vlans[0].query_interval", 4, "5s must be longer than query_response_interval (10s)"));
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nvlans:\n  - id: 1\n"
                              "    query_response_interval: 2m10s\n"),
                         "vlans[0].query_response_interval", 4, "unknown unit"));
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nvlans:\n  - id: 1\n"
                              "    query_response_interval: 3m\n"),
                         "vlans[0].query_response_interval", 4, "3m must be shorter than query_interval (125s)"));
}

TEST(LoadErrors, AnUnrelatedGlobalErrorDoesNotHideVlanTimerChecks) {
  const LoadResult r = load(R"(ports: [{name: a, device: net_null0}]
snooping: {unregistered: sometimes}
vlans:
  - id: 1
    query_interval: 5s
)");
  EXPECT_TRUE(has_error(r, "snooping.unregistered", 2, "unknown value"));
  EXPECT_TRUE(has_error(r, "vlans[0].query_interval", 5, "must be longer than query_response_interval"));
  EXPECT_EQ(r.errors.size(), 2u) << test::dump(r.errors);
}

TEST(LoadErrors, BadDurations) {
  const LoadResult r = load(R"(ports: [{name: a, device: net_null0}]
snooping:
  query_interval: 10x
  query_response_interval: abc
  last_member_query_interval: 1.0005s
mac_table:
  aging_time: [1]
)");
  EXPECT_TRUE(has_error(r, "snooping.query_interval", 3, "unknown unit"));
  EXPECT_TRUE(has_error(r, "snooping.query_response_interval", 4, "not a duration"));
  EXPECT_TRUE(has_error(r, "snooping.last_member_query_interval", 5, "whole number of milliseconds"));
  EXPECT_TRUE(has_error(r, "mac_table.aging_time", 7, "expected a duration"));
  EXPECT_EQ(r.errors.size(), 4u) << test::dump(r.errors);
}

TEST(LoadErrors, VersionSpecificResponseLimits) {
  // IGMPv2 carries the response time in 1/10 s in 8 bits: 25.5 s at most.
  EXPECT_TRUE(only_error(load(R"(ports: [{name: a, device: net_null0}]
vlans:
  - id: 1
    query_response_interval: 30s
    querier: {enabled: true, address: 10.0.0.1, version: 2}
)"),
                         "vlans[0].query_response_interval", 4, "IGMPv2 queries carry at most 25.5s of response time; query_response_interval is 30s"));
  EXPECT_TRUE(only_error(load(R"(ports: [{name: a, device: net_null0}]
snooping: {last_member_query_interval: 70s}
vlans:
  - id: 1
    querier: {enabled: true, address6: "fe80::1", mld_version: 1}
)"),
                         "vlans[0].querier.mld_version", 5, "MLDv1 queries carry at most 65.535s of response time; last_member_query_interval is 70s"));
}

// ---- names, devices, VLAN ids --------------------------------------------------------------

TEST(LoadErrors, DuplicatePortNamesAndVlanIds) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0}
  - {name: a, device: net_null1}
  - {name: "bad name", device: net_null2}
vlans:
  - id: 1
  - id: 1
)");
  EXPECT_TRUE(has_error(r, "ports[1].name", 3, "port name 'a' is already used by ports[0]"));
  EXPECT_TRUE(has_error(r, "ports[2].name", 4, "not a valid port name"));
  EXPECT_TRUE(has_error(r, "vlans[1].id", 7, "VLAN 1 is already defined by vlans[0]"));
  EXPECT_EQ(r.errors.size(), 3u) << test::dump(r.errors);
}

TEST(LoadErrors, DevicesUsedTwice) {
  const LoadResult r = load(R"(ports:
  - {name: p1, device: "0000:03:00.0"}
  - {name: p2, device: "03:00.0,txq_inline=64"}
  - {name: p3, device: "net_pcap0,iface=eth1"}
  - {name: p4, device: "net_pcap0,iface=eth2"}
  - {name: p5, device: "net_af_packet0,iface=eth1"}
  - {name: p6, device: "net_pcap1,rx_pcap=/tmp/in.pcap"}
  - {name: p7, device: "net_pcap2,rx_pcap=/tmp/in.pcap"}
  - {name: p8, device: "net_pcap3,rx_iface=eth9,tx_iface=eth9"}
)");
  EXPECT_TRUE(has_error(r, "ports[1].device", 3, "PCI device 0000:03:00.0 is already used by ports[0] (p1)"));
  EXPECT_TRUE(has_error(r, "ports[3].device", 5, "vdev net_pcap0 is already used by ports[2] (p3)"));
  EXPECT_TRUE(has_error(r, "ports[4].device", 6, "interface eth1 is already used by ports[2] (p3)"));
  EXPECT_TRUE(has_error(r, "ports[6].device", 8, "pcap file /tmp/in.pcap is already used by ports[5] (p6)"));
  // One port receiving and sending on one interface is no conflict (p8).
  EXPECT_EQ(r.errors.size(), 4u) << test::dump(r.errors);
}

TEST(LoadErrors, MalformedDevices) {
  const LoadResult r = load(R"(ports:
  - {name: p1, device: "0000:03:00.9"}
  - {name: p2, device: "0000:zz:00.0"}
  - {name: p3, device: "9net"}
  - {name: p4, device: "net_pcap0,=x"}
  - {name: p5, device: "net_pcap1, iface=a"}
  - {name: p6, device: "net_pcap2,iface="}
  - {name: p7, device: ""}
)");
  EXPECT_TRUE(has_error(r, "ports[0].device", 2, "not a PCI address"));
  EXPECT_TRUE(has_error(r, "ports[1].device", 3, "not a PCI address"));
  EXPECT_TRUE(has_error(r, "ports[2].device", 4, "neither a PCI address nor a vdev name"));
  EXPECT_TRUE(has_error(r, "ports[3].device", 5, "bad device argument"));
  EXPECT_TRUE(has_error(r, "ports[4].device", 6, "no spaces"));
  EXPECT_TRUE(has_error(r, "ports[5].device", 7, "has no value"));
  EXPECT_TRUE(has_error(r, "ports[6].device", 8, "must not be empty"));
  EXPECT_EQ(r.errors.size(), 7u) << test::dump(r.errors);
}

TEST(LoadErrors, TooManyPorts) {
  std::string yaml = "ports:\n";
  for (unsigned i = 0; i <= kMaxPorts; ++i) {
    yaml += "  - {name: p" + std::to_string(i) + ", device: net_null" + std::to_string(i) + "}\n";
  }
  EXPECT_TRUE(only_error(load(yaml), "ports", 1, "65 ports given; at most 64"));
  yaml = "ports:\n";
  for (unsigned i = 0; i < kMaxPorts; ++i) {
    yaml += "  - {name: p" + std::to_string(i) + ", device: net_null" + std::to_string(i) + "}\n";
  }
  EXPECT_TRUE(load(yaml).ok());
}

// ---- VLAN membership ----------------------------------------------------------------------

TEST(LoadErrors, AccessAndTrunkKeysMustMatchTheMode) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, allowed_vlans: [10]}
  - {name: b, device: net_null1, native_vlan: 10}
  - {name: c, device: net_null2, vlan_mode: trunk}
  - {name: d, device: net_null3, vlan_mode: trunk, allowed_vlans: [10], vlan: 10}
  - {name: e, device: net_null4, vlan_mode: trunk, allowed_vlans: []}
)");
  EXPECT_TRUE(has_error(r, "ports[0].allowed_vlans", 2, "applies to trunk ports"));
  EXPECT_TRUE(has_error(r, "ports[1].native_vlan", 3, "applies to trunk ports"));
  EXPECT_TRUE(has_error(r, "ports[2].allowed_vlans", 4, "a trunk port needs allowed_vlans"));
  EXPECT_TRUE(has_error(r, "ports[3].vlan", 5, "vlan applies to access ports"));
  EXPECT_TRUE(has_error(r, "ports[4].allowed_vlans", 6, "needs at least one VLAN"));
  EXPECT_EQ(r.errors.size(), 5u) << test::dump(r.errors);
}

TEST(LoadErrors, AllowedVlanItems) {
  const LoadResult r = load(R"(ports:
  - name: t
    device: net_null0
    vlan_mode: trunk
    allowed_vlans: [10, "30-20", abc, 5000, "1-4095", 0]
    native_vlan: 4095
)");
  EXPECT_TRUE(has_error(r, "ports[0].allowed_vlans[1]", 5, "range '30-20' is empty"));
  EXPECT_TRUE(has_error(r, "ports[0].allowed_vlans[2]", 5, "expected a VLAN id (1-4094) or a range"));
  EXPECT_TRUE(has_error(r, "ports[0].allowed_vlans[3]", 5, "got '5000'"));
  EXPECT_TRUE(has_error(r, "ports[0].allowed_vlans[4]", 5, "expected a VLAN id"));
  EXPECT_TRUE(has_error(r, "ports[0].allowed_vlans[5]", 5, "expected a VLAN id"));
  EXPECT_TRUE(has_error(r, "ports[0].native_vlan", 6, "out of range"));
  EXPECT_EQ(r.errors.size(), 6u) << test::dump(r.errors);
}

TEST(LoadErrors, UnknownEnumValuesListTheAllowedOnes) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, vlan_mode: hybrid, multicast_router: sometimes}
snooping: {unregistered: flood-all}
logging: {level: verbose}
)");
  EXPECT_TRUE(has_error(r, "ports[0].vlan_mode", 2, "unknown value 'hybrid' (expected one of: access, trunk)"));
  EXPECT_TRUE(has_error(r, "ports[0].multicast_router", 2, "(expected one of: auto, always, never)"));
  EXPECT_TRUE(has_error(r, "snooping.unregistered", 3, "(expected one of: flood, router-ports, drop)"));
  EXPECT_TRUE(has_error(r, "logging.level", 4, "(expected one of: trace, debug, info, warn, error)"));
  EXPECT_EQ(r.errors.size(), 4u) << test::dump(r.errors);
}

// ---- lcores --------------------------------------------------------------------------------

TEST(LoadErrors, LcoresOutsideTheEalList) {
  const LoadResult r = load(R"(dpdk: {eal_args: [--no-huge, -l, "0-1"]}
cores:
  control: 0
  workers: [1, 2]
ports: [{name: a, device: net_null0}]
)");
  EXPECT_TRUE(only_error(r, "cores.workers[1]", 4, "lcore 2 is not in the EAL lcore list (-l 0-1"));
}

TEST(LoadErrors, LcoresCheckedAgainstMaskAndMapForms) {
  EXPECT_TRUE(only_error(load("dpdk: {eal_args: [-c, \"0x3\"]}\ncores: {control: 4, workers: [1]}\n"
                              "ports: [{name: a, device: net_null0}]\n"),
                         "cores.control", 2, "lcore 4 is not in the EAL lcore list"));
  EXPECT_TRUE(only_error(load("dpdk: {eal_args: [\"--lcores=0,1@3\"]}\ncores: {control: 0, rx: [1], tx: [3]}\n"
                              "ports: [{name: a, device: net_null0}]\n"),
                         "cores.tx[0]", 2, "lcore 3 is not in the EAL lcore list"));
}

TEST(LoadErrors, WithoutAnEalLcoreListAnyLcoreIsAccepted) {
  EXPECT_TRUE(load("dpdk: {eal_args: [--no-huge]}\ncores: {control: 7, workers: [9, 12]}\n"
                   "ports: [{name: a, device: net_null0}]\n")
                  .ok());
}

TEST(LoadErrors, BadEalLcoreOption) {
  EXPECT_TRUE(only_error(load("dpdk:\n  eal_args: [-l, \"0-\"]\nports: [{name: a, device: net_null0}]\n"),
                         "dpdk.eal_args[1]", 2, "cannot read -l value '0-'"));
  EXPECT_TRUE(only_error(load("dpdk:\n  eal_args: [-l, \"0-1\", -c, \"3\"]\nports: [{name: a, device: net_null0}]\n"),
                         "dpdk.eal_args[3]", 2, "only one of -l, -c and --lcores"));
}

TEST(LoadErrors, LcoreRoles) {
  EXPECT_TRUE(only_error(load("cores: {control: 0, workers: [1, 0]}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.workers[1]", 1, "lcore 0 is already assigned by cores.control"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, workers: [1, 1]}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.workers[1]", 1, "lcore 1 is already assigned by cores.workers[0]"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, workers: []}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.workers", 1, "needs at least one lcore"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, workers: [1], rx: [2], tx: [3]}\n"
                              "ports: [{name: a, device: net_null0}]\n"),
                         "cores.rx", 1, "not both"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, rx: [2]}\nports: [{name: a, device: net_null0}]\n"), "cores.rx",
                         1, "need both cores.rx and cores.tx"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, rx: [1, 2], tx: [2]}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.tx[0]", 1, "lcore 2 is already assigned by cores.rx[1]"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, rx: [1], tx: [2, 3]}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.tx", 1, "2 TX lcores for 1 RX lcores"));
  EXPECT_TRUE(only_error(load("cores: {control: 0, workers: [1024]}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.workers[0]", 1, "out of range (0-1023)"));
}

TEST(LoadErrors, NoLcoreLeftForDefaultWorkers) {
  EXPECT_TRUE(only_error(load("dpdk: {eal_args: [-l, \"3\"]}\nports: [{name: a, device: net_null0}]\n"),
                         "cores.workers", 1, "no lcore left for workers"));
}

// ---- querier -------------------------------------------------------------------------------

TEST(LoadErrors, QuerierAddresses) {
  const LoadResult r = load(R"(ports: [{name: a, device: net_null0, vlan: 1}]
vlans:
  - id: 1
    querier:
      enabled: true
      address: 224.0.0.1
      address6: "2001:db8::1"
  - id: 2
    querier: {enabled: true, address: "fe80::1", address6: 10.0.0.1}
  - id: 3
    querier: {enabled: true, address: 0.0.0.0}
  - id: 4
    querier: {enabled: true, address: 10.0.0.300}
  - id: 5
    querier: {enabled: true}
)");
  EXPECT_TRUE(has_error(r, "vlans[0].querier.address", 6, "224.0.0.1 is not a unicast address"));
  EXPECT_TRUE(has_error(r, "vlans[0].querier.address6", 7, "not a link-local unicast address"));
  EXPECT_TRUE(has_error(r, "vlans[1].querier.address", 9, "use address6 for MLD"));
  EXPECT_TRUE(has_error(r, "vlans[1].querier.address6", 9, "use address for IGMP"));
  EXPECT_TRUE(has_error(r, "vlans[2].querier.address", 11, "not a unicast address"));
  EXPECT_TRUE(has_error(r, "vlans[3].querier.address", 13, "expected an IPv4 or IPv6 address, got '10.0.0.300'"));
  EXPECT_TRUE(has_error(r, "vlans[4].querier", 15, "needs address (IGMP) and/or address6 (MLD)"));
  EXPECT_EQ(r.errors.size(), 7u) << test::dump(r.errors);
}

TEST(LoadErrors, QuerierNeedsSnoopingAndMld) {
  const LoadResult r = load(R"(ports: [{name: a, device: net_null0, vlan: 1}]
vlans:
  - id: 1
    snooping: false
    querier: {enabled: true, address: 10.0.0.1}
  - id: 2
    mld: false
    querier: {enabled: true, address6: "fe80::2"}
)");
  EXPECT_TRUE(has_error(r, "vlans[0].querier.enabled", 5, "needs snooping on"));
  EXPECT_TRUE(has_error(r, "vlans[1].querier.address6", 8, "MLD snooping is off"));
  EXPECT_EQ(r.errors.size(), 2u) << test::dump(r.errors);
}

TEST(LoadErrors, DisabledQuerierIsNotCheckedForCompleteness) {
  EXPECT_TRUE(load("ports: [{name: a, device: net_null0}]\nvlans:\n  - id: 1\n    querier: {enabled: false}\n").ok());
}

// ---- static groups -------------------------------------------------------------------------

TEST(LoadErrors, StaticGroups) {
  const LoadResult r = load(R"(ports:
  - {name: a, device: net_null0, vlan: 10}
  - {name: b, device: net_null1, vlan: 20}
vlans:
  - id: 10
    static_groups:
      - {group: 239.1.1.1, ports: [a, nosuch]}
      - {group: 239.1.1.2, ports: [b]}
      - {group: 10.1.1.1, ports: [a]}
      - {group: 224.0.0.5, ports: [a]}
      - {group: "ff02::1", ports: [a]}
      - {group: 232.1.1.1, source: "2001:db8::1", ports: [a]}
      - {group: 232.1.1.1, source: 239.0.0.1, ports: [a]}
      - {group: 239.1.1.9, ports: [a]}
      - {group: 239.1.1.9, ports: [a]}
      - {group: 239.1.1.8, ports: []}
      - {group: 239.1.1.7}
)");
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[0].ports[1]", 7, "unknown port 'nosuch'"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[1].ports[0]", 8, "port 'b' does not carry VLAN 10"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[2].group", 9, "10.1.1.1 is not a multicast address"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[3].group", 10, "always flooded"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[4].group", 11, "always flooded"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[5].source", 12, "different IP families"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[6].source", 13, "not a unicast source address"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[8].group", 15, "already listed in vlans[0].static_groups[7]"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[9].ports", 16, "needs at least one port"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[10].ports", 17, "missing required key"));
  EXPECT_EQ(r.errors.size(), 10u) << test::dump(r.errors);
}

TEST(LoadErrors, StaticGroupsNeedSnoopingAndMld) {
  const LoadResult r = load(R"(ports: [{name: a, device: net_null0, vlan: 1}, {name: b, device: net_null1, vlan: 2}]
vlans:
  - id: 1
    snooping: false
    static_groups: [{group: 239.1.1.1, ports: [a]}]
  - id: 2
    mld: false
    static_groups: [{group: "ff05::1:3", ports: [b]}]
)");
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups", 5, "need snooping on"));
  EXPECT_TRUE(has_error(r, "vlans[1].static_groups[0].group", 8, "MLD snooping is off"));
  EXPECT_EQ(r.errors.size(), 2u) << test::dump(r.errors);
}

TEST(LoadErrors, StaticGroupOnATrunkNativeVlan) {
  EXPECT_TRUE(load(R"(ports:
  - {name: t, device: net_null0, vlan_mode: trunk, allowed_vlans: [10], native_vlan: 1}
vlans:
  - id: 1
    static_groups: [{group: 239.1.1.1, ports: [t]}]
)")
                  .ok());
}

// ---- control and logging -------------------------------------------------------------------

TEST(LoadErrors, SocketPath) {
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\ncontrol: {socket: \"\"}\n"), "control.socket", 2,
                         "must not be empty"));
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\ncontrol: {socket: /" + std::string(120, 'x') +
                              "}\n"),
                         "control.socket", 2, "at most 107"));
  EXPECT_TRUE(only_error(load("ports: [{name: a, device: net_null0}]\nlogging: {file: \"\"}\n"), "logging.file", 2,
                         "must not be empty"));
}

// ---- many at once --------------------------------------------------------------------------

TEST(LoadErrors, AllErrorsAreCollectedAndSortedByLine) {
  const LoadResult r = load(R"(dpdk: {eal_args: [-l, "0-1"]}
cores: {control: 0, workers: [5]}
ports:
  - {name: a, device: net_null0, vlan: 5000}
  - {name: a, device: net_null0}
vlans:
  - id: 10
    querier: {enabled: true, address: 239.1.1.1}
    static_groups: [{group: 239.2.2.2, ports: [ghost]}]
snooping:
  robustness: 9
  unregistered: sometimes
mac_table: {size: -5}
logging: {level: loud, colour: red}
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "cores.workers[0]", 2, "not in the EAL lcore list"));
  EXPECT_TRUE(has_error(r, "ports[0].vlan", 4, "out of range"));
  EXPECT_TRUE(has_error(r, "ports[1].name", 5, "already used"));
  EXPECT_TRUE(has_error(r, "ports[1].device", 5, "already used"));
  EXPECT_TRUE(has_error(r, "vlans[0].querier.address", 8, "not a unicast address"));
  EXPECT_TRUE(has_error(r, "vlans[0].static_groups[0].ports[0]", 9, "unknown port 'ghost'"));
  EXPECT_TRUE(has_error(r, "snooping.robustness", 11, "out of range"));
  EXPECT_TRUE(has_error(r, "snooping.unregistered", 12, "unknown value"));
  EXPECT_TRUE(has_error(r, "mac_table.size", 13, "out of range"));
  EXPECT_TRUE(has_error(r, "logging.level", 14, "unknown value"));
  EXPECT_TRUE(has_error(r, "logging.colour", 14, "unknown key"));
  EXPECT_EQ(r.errors.size(), 11u) << test::dump(r.errors);
  for (size_t i = 1; i < r.errors.size(); ++i) EXPECT_LE(r.errors[i - 1].line, r.errors[i].line);
}

}  // namespace
}  // namespace mcsnoop::config
