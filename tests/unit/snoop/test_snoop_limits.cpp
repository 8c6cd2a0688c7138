// State limits (issue 8): what one port can make the engine hold. Sources per (port, group),
// source states per port and in the whole table, groups per port, per VLAN and in the whole
// table; each refusal counted, and no port's flood takes a join away from another port.
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr G = ip("239.1.1.1"), G2 = ip("239.1.1.2"), G3 = ip("239.1.1.3");
const IpAddr HostA = ip("10.0.0.11"), HostB = ip("10.0.0.12");

// IPv4 source number `n` (10.0.0.1 + n).
IpAddr src_n(uint32_t n) {
  const uint32_t a = 0x0a000001u + n;
  const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16), static_cast<uint8_t>(a >> 8),
                        static_cast<uint8_t>(a)};
  return IpAddr::v4_bytes(b);
}
// Group number `n` in 239.2.0.0/16 and above.
[[maybe_unused]] IpAddr group_n(uint32_t n) {
  const uint32_t a = 0xef020000u + n;
  const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16), static_cast<uint8_t>(a >> 8),
                        static_cast<uint8_t>(a)};
  return IpAddr::v4_bytes(b);
}
// `count` sources numbered from `first`.
std::vector<IpAddr> sources(uint32_t first, uint32_t count) {
  std::vector<IpAddr> s;
  for (uint32_t i = 0; i < count; ++i) s.push_back(src_n(first + i));
  return s;
}

class LimitTest : public EngineTest {
 protected:
  // (S,G) entries of `group` in the forwarding table the engine published.
  size_t source_entries(const IpAddr& group) const {
    size_t n = 0;
    for (const auto& [k, ports] : fib) n += k.group == group && k.source.has_value();
    return n;
  }
};

// The defect of issue 8: the cap was checked for new sources only and every current source
// was kept, so ALLOW records whose sources sort below the list added 256 more each time; past
// 65,535 the uint16_t list size wrapped and the copy ran past the heap block (release builds
// aborted at exit with munmap_chunk(): invalid pointer).
TEST_F(LimitTest, DescendingAllowFloodKeepsTheSourceListWithinTheCap) {
  start();
  constexpr uint32_t kReports = 400, kPerReport = 256;
  for (uint32_t r = 0; r < kReports; ++r) {
    // Every report's sources sort below all earlier ones.
    rx(record(HostA, RecordType::AllowNew, G, sources((kReports - 1 - r) * kPerReport, kPerReport)), H1);
  }
  EXPECT_LE(source_entries(G), 256u);
  auto v = view(G);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->ports.test(H1));
}

TEST_F(LimitTest, DescendingAllowFloodStopsAtThePortsSourcesPerGroup) {
  start();
  for (uint32_t r = 0; r < 20; ++r) {
    rx(record(HostA, RecordType::AllowNew, G, sources((19 - r) * 256, 256)), H1);
  }
  EXPECT_EQ(source_entries(G), 64u) << "default max_sources_per_group";
  EXPECT_EQ(engine->port_usage(H1).sources, 64u);
  EXPECT_EQ(counters().refused_source_limit, 20u * 256 - 64);
  EXPECT_EQ(engine->port_usage(H1).refused_sources, 20u * 256 - 64);
  // The sources of the first report are the ones kept: new ones never push out current ones.
  EXPECT_TRUE(fwd(G, src_n(19 * 256)).test(H1));
  EXPECT_FALSE(fwd(G, src_n(0)).test(H1));
  // A refresh of a kept source is no refusal.
  rx(record(HostA, RecordType::IsInclude, G, {src_n(19 * 256)}), H1);
  EXPECT_EQ(counters().refused_source_limit, 20u * 256 - 64);
}

// In EXCLUDE mode a source in neither X nor Y is forwarded: a refused block (Y entry) leaves
// the port receiving that source, never losing one it asked for.
TEST_F(LimitTest, RefusedBlocksInExcludeModeStillForward) {
  cfg.ports[H1].max_sources_per_group = 4;
  start();
  rx(record(HostA, RecordType::ToExclude, G, sources(0, 6)), H1);
  EXPECT_EQ(engine->port_usage(H1).sources, 4u);
  EXPECT_EQ(counters().refused_source_limit, 2u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_FALSE(fwd(G, src_n(i)).test(H1)) << "blocked source " << i;
  for (uint32_t i = 4; i < 6; ++i) EXPECT_TRUE(fwd(G, src_n(i)).test(H1)) << "refused block " << i;
  EXPECT_TRUE(fwd(G, src_n(100)).test(H1)) << "any other source";
}

TEST_F(LimitTest, PortSourceStatesAreLimitedAndFreedAgain) {
  cfg.ports[H1].max_sources = 100;
  enable_querier();  // so that a BLOCK lowers the timers (RFC 3376 6.6.3.2)
  start();
  rx(record(HostA, RecordType::IsInclude, G, sources(0, 64)), H1);
  rx(record(HostA, RecordType::IsInclude, G2, sources(100, 64)), H1);
  EXPECT_EQ(engine->port_usage(H1).sources, 100u);
  EXPECT_EQ(source_entries(G2), 36u);
  EXPECT_EQ(counters().refused_port_sources, 28u);
  EXPECT_EQ(counters().refused_source_limit, 0u);
  rx(record(HostA, RecordType::IsInclude, G3, sources(200, 10)), H1);
  EXPECT_FALSE(view(G3).has_value()) << "no room left: the INCLUDE membership would be empty";
  // Another port is not affected.
  rx(record(HostB, RecordType::IsInclude, G3, sources(200, 64)), H2);
  EXPECT_EQ(engine->port_usage(H2).sources, 64u);
  EXPECT_TRUE(fwd(G3, src_n(200)).test(H2));
  // Leaving G frees its sources for the port's next join (after the last member queries).
  rx(record(HostA, RecordType::BlockOld, G, sources(0, 64)), H1);
  after(10s);
  EXPECT_EQ(engine->port_usage(H1).sources, 36u);
  rx(record(HostA, RecordType::IsInclude, G3, sources(200, 10)), H1);
  EXPECT_TRUE(fwd(G3, src_n(205)).test(H1));
  // Everything times out: every count returns to zero.
  after(300s);
  EXPECT_EQ(engine->port_usage(H1).sources, 0u);
  EXPECT_EQ(engine->port_usage(H1).groups, 0u);
  EXPECT_EQ(engine->table_usage().sources, 0u);
  EXPECT_EQ(engine->table_usage().groups, 0u);
}

TEST_F(LimitTest, TableSourceStatesAreLimited) {
  cfg.max_sources = 100;
  start();
  rx(record(HostA, RecordType::IsInclude, G, sources(0, 64)), H1);
  rx(record(HostB, RecordType::IsInclude, G, sources(0, 64)), H2);
  EXPECT_EQ(engine->table_usage().sources, 100u);
  EXPECT_EQ(counters().refused_table_sources, 28u);
  link(H2, false);
  EXPECT_EQ(engine->table_usage().sources, 64u);
  EXPECT_EQ(engine->port_usage(H2).sources, 0u);
}

TEST_F(LimitTest, VlanGroupLimitRefusesNewGroupsInThatVlanOnly) {
  vlan().max_groups = 2;
  VlanConfig v2;
  v2.id = 2;
  v2.members = PortMask::all(kPorts);
  cfg.vlans.push_back(v2);
  vlan().static_groups.push_back(StaticGroup{ip("239.9.9.9"), std::nullopt, ports({H3})});
  start();
  rx(old_report(HostA, G), H1);
  rx(old_report(HostA, G2), H2);
  rx(old_report(HostA, G3), H1);
  EXPECT_FALSE(has_entry(G3));
  EXPECT_EQ(counters().refused_vlan_limit, 1u);
  EXPECT_EQ(engine->port_usage(H1).refused_groups, 1u);
  EXPECT_EQ(engine->vlan_groups(1), 2u) << "the static group does not count";
  EXPECT_EQ(engine->table_usage().static_groups, 1u);
  rx(old_report(HostB, G), H3);
  EXPECT_TRUE(fwd(G, ip("192.0.2.1")).test(H3)) << "existing groups still take new ports";
  rx(old_report(HostA, G3), H1, 2);
  EXPECT_TRUE(has_entry(G3, std::nullopt, 2)) << "the limit is per VLAN";
  at(261s);
  rx(old_report(HostA, G3), H1);
  EXPECT_TRUE(has_entry(G3)) << "after the expiry the next join succeeds";
}

// Issue 8: one port joins 600 groups x 256 sources; with the defaults (fair shares of the
// table's limits) another port's join still succeeds and its group goes to that port only.
TEST_F(LimitTest, OnePortsFloodLeavesAnotherPortsJoinAlone) {
  cfg.max_groups = 65536;
  cfg.max_sources = 65536;
  for (PortConfig& pc : cfg.ports) {
    pc.max_groups = cfg.max_groups / kPorts;
    pc.max_sources = cfg.max_sources / kPorts;
  }
  start();
  for (uint32_t g = 0; g < 600; ++g) {
    rx(record(HostA, RecordType::IsInclude, group_n(g), sources(g * 256, 256)), H1);
  }
  EXPECT_LE(engine->port_usage(H1).sources, cfg.max_sources / kPorts);
  EXPECT_LE(engine->table_usage().sources, cfg.max_sources);
  EXPECT_GT(counters().refused_port_sources, 0u);
  const IpAddr victim = ip("239.77.0.1");
  rx(old_report(HostB, victim), H2);
  EXPECT_EQ(fwd(victim, ip("192.0.2.1")), ports({H2}));
  // Every key the engine published is one the MFT must hold: groups plus source states.
  EXPECT_LE(fib.size(), size_t{cfg.max_groups} + cfg.max_sources);
}

}  // namespace
}  // namespace mcsnoop::snoop::test
