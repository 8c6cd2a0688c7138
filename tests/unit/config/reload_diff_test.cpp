// The reload diff: which keys a running switch takes over, which need a restart.
#include <gtest/gtest.h>

#include <string>

#include "load_helpers.hpp"
#include "mcsnoop/config/reload_diff.hpp"

namespace mcsnoop::config {
namespace {

using test::dump;
using test::load;

// The running configuration of every test; each test edits a copy of the text.
const std::string kBase = R"(dpdk:
  eal_args: [--no-huge, --file-prefix, rl]
cores: {control: 0, workers: [1]}
ports:
  - {name: h1, device: net_null0, vlan: 10}
  - {name: h2, device: net_null1, vlan: 10, fast_leave: false}
  - {name: up, device: net_null2, vlan_mode: trunk, allowed_vlans: [10, 20], multicast_router: auto}
vlans:
  - id: 10
    querier: {enabled: true, address: 192.0.2.254, version: 3}
    static_groups: [{group: 239.1.1.1, ports: [h1]}]
  - id: 20
    snooping: true
snooping:
  query_interval: 125s
  max_groups: 1000
mac_table:
  size: 4096
  move_limit: 5
control:
  socket: /tmp/rl.sock
logging:
  level: info
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "test text lacks '" << from << "'";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Config must_load(const std::string& yaml) {
  const LoadResult r = load(yaml);
  EXPECT_TRUE(r.ok()) << dump(r.errors);
  return r.ok() ? *r.config : Config{};
}

std::vector<std::string> lines(const std::vector<KeyChange>& v) {
  std::vector<std::string> out;
  for (const KeyChange& c : v) out.push_back(c.to_string());
  return out;
}

ReloadDiff diff_to(const std::string& next_yaml) { return diff_for_reload(must_load(kBase), must_load(next_yaml)); }

TEST(ReloadDiff, SameFileChangesNothing) {
  const ReloadDiff d = diff_to(kBase);
  EXPECT_TRUE(d.empty()) << testing::PrintToString(lines(d.changes)) << testing::PrintToString(lines(d.restart_required));
  EXPECT_TRUE(d.applicable());
}

TEST(ReloadDiff, PortPolicyIsLiveAndNamedByPortName) {
  const ReloadDiff d = diff_to(replace(kBase, "fast_leave: false", "fast_leave: true"));
  EXPECT_TRUE(d.applicable());
  EXPECT_EQ(lines(d.changes), std::vector<std::string>{"ports[h2].fast_leave: false -> true"});
}

TEST(ReloadDiff, EveryRuntimeKeyIsLive) {
  std::string y = kBase;
  y = replace(y, "fast_leave: false}", "fast_leave: false, max_groups: 7, flood_unregistered: true, "
                                       "flood_reports: true, igmp_rate_limit: 50, router_guard: true, "
                                       "bpdu: guard, forward_reserved: [0x0e], max_macs: 9, "
                                       "storm_control: {broadcast: 100}, max_sources: 12, "
                                       "max_sources_per_group: 3}");
  y = replace(y, "multicast_router: auto", "multicast_router: always");
  y = replace(y, "version: 3}", "version: 2}");
  y = replace(y, "static_groups: [{group: 239.1.1.1, ports: [h1]}]",
              "static_groups: [{group: 239.1.1.2, source: 10.0.0.1, ports: [h1, h2]}]\n    robustness: 3");
  y = replace(y, "    snooping: true", "    snooping: false");
  y = replace(y, "query_interval: 125s", "query_interval: 60s\n  unregistered: router-ports\n  mld: false");
  y = replace(y, "move_limit: 5", "move_limit: 9");
  y = replace(y, "level: info", "level: debug");
  const ReloadDiff d = diff_to(y);
  EXPECT_TRUE(d.applicable()) << testing::PrintToString(lines(d.restart_required));
  const std::vector<std::string> expected{
      "mac_table.move_limit: 5 -> 9",
      "logging.level: info -> debug",
      "snooping.query_interval: 125s -> 1m",
      "snooping.unregistered: flood -> router-ports",
      "snooping.mld: true -> false",
      "ports[h2].max_groups: 333 -> 7",
      "ports[h2].max_sources_per_group: 64 -> 3",
      "ports[h2].max_sources: 21845 -> 12",
      "ports[h2].flood_unregistered: false -> true",
      "ports[h2].flood_reports: false -> true",
      "ports[h2].igmp_rate_limit: 1000 -> 50",
      "ports[h2].router_guard: false -> true",
      "ports[h2].forward_reserved: [] -> [0x0e]",
      "ports[h2].bpdu: flood -> guard",
      "ports[h2].max_macs: unset -> 9",
      "ports[h2].storm_control.broadcast: 0 -> 100",
      "ports[up].multicast_router: auto -> always",
      "vlans[10].querier.version: 3 -> 2",
      "vlans[10].static_groups: [239.1.1.1 ports [h1]] -> [239.1.1.2 source 10.0.0.1 ports [h1, h2]]",
      "vlans[10].robustness: unset -> 3",
      "vlans[20].snooping: true -> false",
  };
  EXPECT_EQ(lines(d.changes), expected);
}

TEST(ReloadDiff, StaticGroupOrderInTheFileIsNoChange) {
  const std::string two = replace(kBase, "static_groups: [{group: 239.1.1.1, ports: [h1]}]",
                                  "static_groups: [{group: 239.1.1.1, ports: [h1]}, {group: 239.1.1.2, ports: [h2]}]");
  const std::string swapped = replace(kBase, "static_groups: [{group: 239.1.1.1, ports: [h1]}]",
                                      "static_groups: [{group: 239.1.1.2, ports: [h2]}, {group: 239.1.1.1, ports: [h1]}]");
  EXPECT_TRUE(diff_for_reload(must_load(two), must_load(swapped)).empty());
}

TEST(ReloadDiff, RestartKeysAreRefusedEachNamed) {
  std::string y = kBase;
  y = replace(y, "eal_args: [--no-huge, --file-prefix, rl]", "eal_args: [--no-huge, --file-prefix, other]");
  y = replace(y, "workers: [1]", "workers: [2]");
  y = replace(y, "socket: /tmp/rl.sock", "socket: /tmp/other.sock");
  y = replace(y, "size: 4096", "size: 8192");
  y = replace(y, "max_groups: 1000", "max_groups: 2000");
  y = replace(y, "device: net_null0, vlan: 10", "device: net_null5, vlan: 10");
  y = replace(y, "device: net_null1, vlan: 10", "device: net_null1, vlan: 20");
  y = replace(y, "allowed_vlans: [10, 20]", "allowed_vlans: [10, 20, 30]");
  y = replace(y, "fast_leave: false", "fast_leave: true");  // live, but refused with the rest
  const ReloadDiff d = diff_to(y);
  EXPECT_FALSE(d.applicable());
  const std::vector<std::string> expected{
      "dpdk.eal_args: [--no-huge, --file-prefix, rl] -> [--no-huge, --file-prefix, other]",
      "cores.workers: [1] -> [2]",
      "control.socket: /tmp/rl.sock -> /tmp/other.sock",
      "mac_table.size: 4096 -> 8192",
      "snooping.max_groups: 1000 -> 2000",
      "ports[h1].device: net_null0 -> net_null5",
      "ports[h2].vlan: 10 -> 20",
      "ports[up].allowed_vlans: [10, 20] -> [10, 20, 30]",
      "vlans: [10, 20] -> [10, 20, 30]",
  };
  EXPECT_EQ(lines(d.restart_required), expected);
  // The ports' omitted max_groups are their fair share of snooping.max_groups: they follow it.
  const std::vector<std::string> live{"ports[h1].max_groups: 333 -> 666", "ports[h2].fast_leave: false -> true",
                                      "ports[h2].max_groups: 333 -> 666", "ports[up].max_groups: 333 -> 666"};
  EXPECT_EQ(lines(d.changes), live);
}

TEST(ReloadDiff, AddingRemovingOrRenamingPortsNeedsARestart) {
  const std::string added = replace(kBase, "  - {name: up,", "  - {name: h3, device: net_null3, vlan: 10}\n  - {name: up,");
  const std::string renamed = replace(kBase, "name: h2,", "name: h9,");
  const std::string removed = replace(kBase, "  - {name: h2, device: net_null1, vlan: 10, fast_leave: false}\n", "");
  for (const std::string& y : {added, renamed, removed}) {
    const ReloadDiff d = diff_to(y);
    ASSERT_FALSE(d.applicable());
    EXPECT_EQ(d.restart_required.front().path, "ports");
  }
  EXPECT_EQ(diff_to(renamed).restart_required.front().to_string(), "ports: [h1, h2, up] -> [h1, h9, up]");
}

TEST(ReloadDiff, AddingAVlanNeedsARestartListingAnImplicitOneDoesNot) {
  const ReloadDiff added = diff_to(replace(kBase, "  - id: 20\n", "  - id: 30\n  - id: 20\n"));
  EXPECT_EQ(lines(added.restart_required), std::vector<std::string>{"vlans: [10, 20] -> [10, 20, 30]"});
  // VLAN 20 exists implicitly (the trunk carries it): listing it only sets its snooping keys.
  const std::string implicit20 = replace(kBase, "  - id: 20\n    snooping: true\n", "");
  const ReloadDiff listed = diff_for_reload(must_load(implicit20), must_load(kBase));
  EXPECT_TRUE(listed.applicable()) << testing::PrintToString(lines(listed.restart_required));
}

TEST(ReloadDiff, TrunkMembershipAndNativeVlanNeedARestart) {
  const ReloadDiff d = diff_to(replace(kBase, "allowed_vlans: [10, 20]", "allowed_vlans: [10, 20], native_vlan: 10"));
  EXPECT_EQ(lines(d.restart_required), std::vector<std::string>{"ports[up].native_vlan: unset -> 10"});
}

// An invalid file never reaches the diff: the loader's errors are what a reload reports, and
// they name the key path as --check does.
TEST(ReloadDiff, InvalidFileIsRefusedByTheLoaderWithKeyPaths) {
  const LoadResult r = load(replace(kBase, "fast_leave: false", "fast_leave: maybe"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(test::has_error(r, "ports[1].fast_leave", 6));
}

}  // namespace
}  // namespace mcsnoop::config
