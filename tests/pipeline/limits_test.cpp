// State limits (issue 8) through the real data path: frames into the ports, the punt path, the
// engine with the limits the app wires from a configuration, the MFT the app sizes from them,
// and the forwarding of data frames.
#include <gtest/gtest.h>

#include "mcsnoop/config/loader.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "switch_harness.hpp"
#include "wiring.hpp"

namespace mcsnoop::testing {
namespace {

// An IGMPv3 report with one IS_IN record of `count` sources 11.<n>.x.y.
std::vector<uint8_t> is_in_report(const char* host, uint8_t host_mac, const net::IpAddr& group, uint32_t first,
                                  uint32_t count) {
  net::IgmpV3Report r;
  r.src = ip(host);
  std::vector<net::IpAddr> sources;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t a = 0x0b000000u + first + i;
    const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16),
                          static_cast<uint8_t>(a >> 8), static_cast<uint8_t>(a)};
    sources.push_back(net::IpAddr::v4_bytes(b));
  }
  r.records.push_back(net::ReportRecord{net::RecordType::IsInclude, group, std::move(sources), 0});
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  return net::build(r, o);
}

net::IpAddr group_n(uint32_t n) {
  const uint32_t a = 0xef020000u + n;
  const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16), static_cast<uint8_t>(a >> 8),
                        static_cast<uint8_t>(a)};
  return net::IpAddr::v4_bytes(b);
}

// Three hosts, every limit at its default: the configuration the product runs with.
config::Config default_config() {
  config::LoadResult r = config::load_string(R"(ports:
  - {name: h1, device: net_null0}
  - {name: h2, device: net_null1}
  - {name: h3, device: net_null2}
)",
                                             "limits.yaml");
  EXPECT_TRUE(r.ok());
  return r.config.value_or(config::Config{});
}

// The app's wiring of `cfg` (MFT capacity, engine limits), keeping the harness's ring ports
// and VLANs.
HarnessLayout wired(const config::Config& cfg) {
  HarnessLayout layout;
  layout.configure = [cfg](dataplane::SwitchSpec& spec, snoop::EngineConfig& ecfg) {
    spec.mft_capacity = app::make_switch_spec(cfg).mft_capacity;
    std::vector<snoop::VlanConfig> vlans = ecfg.vlans;
    ecfg = app::make_engine_config(cfg, {2, 0, 0, 0, 0, 1});
    ecfg.vlans = vlans;
  };
  return layout;
}

// The independent test of issue 8: 600 groups x 256 sources from one host filled the MFT, and
// the next join of another host was refused there and flooded, to the attacker's port too.
TEST(LimitsPipeline, OneHostsSourceFloodLeavesAnotherHostsJoinAlone) {
  const config::Config cfg = default_config();
  std::vector<HarnessPort> ports = {{.name = "h1"}, {.name = "h2"}, {.name = "h3"}};
  ports[0].punt_rate_pps = 1'000'000;  // the policer is not under test: every report gets through
  SwitchHarness sw(ports, {HarnessVlan{}}, std::chrono::seconds(300), wired(cfg));
  for (uint32_t g = 0; g < 600; ++g) {
    sw.inject("h1", is_in_report("10.0.0.11", 0x11, group_n(g), g * 256, 256));
    if (g % 32 == 31) sw.step();
  }
  sw.step();
  sw.drain_all();
  ASSERT_EQ(sw.control().engine().counters().reports, 600u) << "every report reached the engine";

  sw.send("h2", v2_report("239.77.0.1", "10.0.0.12", 0x12));
  auto out = sw.send("h3", udp_to("239.77.0.1", "192.0.2.1", mac(0x13)));
  EXPECT_EQ(out["h2"].size(), 1u) << "the joining host gets its group";
  EXPECT_EQ(out["h1"].size(), 0u) << "and the flooding host does not";
  EXPECT_EQ(sw.dp().mft().stats().refused_full, 0u) << "the engine refused before the MFT";

  // The refusals are visible per port and for the whole switch.
  const nlohmann::json ports_view = sw.control().show_ports();
  const nlohmann::json& h1 = ports_view.at(0).at("snooping");
  EXPECT_EQ(h1.at("max_sources").get<uint64_t>(), 65536u / 3);
  EXPECT_EQ(h1.at("sources").get<uint64_t>(), 65536u / 3);
  EXPECT_GT(h1.at("refused_sources").get<uint64_t>(), 0u);
  EXPECT_EQ(ports_view.at(1).at("snooping").at("refused_sources").get<uint64_t>(), 0u);
  const nlohmann::json stats = sw.control().show_stats().at("snooping");
  EXPECT_GT(stats.at("refused_source_limit").get<uint64_t>(), 0u);
  EXPECT_GT(stats.at("refused_port_sources").get<uint64_t>(), 0u);
  EXPECT_EQ(stats.at("sources").get<uint64_t>(), 65536u / 3 + 0u);
}

// vlans[].max_groups reaches the engine: the VLAN's third group is refused and flooded as
// unregistered, the refusal counted.
TEST(LimitsPipeline, VlanGroupLimitIsEnforced) {
  config::LoadResult r = config::load_string(R"(ports:
  - {name: h1, device: net_null0}
  - {name: h2, device: net_null1}
  - {name: h3, device: net_null2}
vlans:
  - {id: 1, max_groups: 2}
)",
                                             "limits.yaml");
  ASSERT_TRUE(r.ok());
  HarnessLayout layout;
  layout.configure = [cfg = *r.config](dataplane::SwitchSpec& spec, snoop::EngineConfig& ecfg) {
    spec.mft_capacity = app::make_switch_spec(cfg).mft_capacity;
    const snoop::EngineConfig wired_cfg = app::make_engine_config(cfg, {2, 0, 0, 0, 0, 1});
    ecfg.vlans[0].max_groups = wired_cfg.vlans[0].max_groups;
  };
  SwitchHarness sw({{.name = "h1"}, {.name = "h2"}, {.name = "h3"}}, {HarnessVlan{}}, std::chrono::seconds(300),
                   layout);
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("h1", v2_report("239.1.1.2", "10.0.0.11", 0x11));
  sw.send("h2", v2_report("239.1.1.3", "10.0.0.12", 0x12));
  auto out = sw.send("h3", udp_to("239.1.1.3", "192.0.2.1", mac(0x13)));
  EXPECT_EQ(out["h1"].size(), 1u) << "refused: flooded as unregistered";
  const nlohmann::json stats = sw.control().show_stats().at("snooping");
  EXPECT_EQ(stats.at("refused_vlan_limit").get<uint64_t>(), 1u);
  EXPECT_EQ(sw.control().show_ports().at(1).at("snooping").at("refused_groups").get<uint64_t>(), 1u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-limits", "0-1"));
  return RUN_ALL_TESTS();
}
