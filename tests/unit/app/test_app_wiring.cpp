// The app's wiring of the state limits (issue 8): the engine built from a configuration with
// every limit at its default refuses state before the MFT sized for that configuration fills,
// whatever one port sends, so another port's join is never refused.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <tuple>

#include "mcsnoop/config/loader.hpp"
#include "wiring.hpp"

namespace mcsnoop::app {
namespace {

using snoop::Ms;

config::Config load(std::string_view yaml) {
  config::LoadResult r = config::load_string(yaml, "test.yaml");
  EXPECT_TRUE(r.ok());
  return r.config.value_or(config::Config{});
}

net::IpAddr v4(uint32_t a) {
  const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16), static_cast<uint8_t>(a >> 8),
                        static_cast<uint8_t>(a)};
  return net::IpAddr::v4_bytes(b);
}

// One IGMPv3 report with one IS_IN record.
net::McastMessage is_in(uint32_t host, uint32_t group, uint32_t first_source, uint32_t sources) {
  net::McastMessage m;
  m.kind = net::MsgKind::Report;
  m.family = net::Family::V4;
  m.compat = net::Compat::V3;
  m.src = v4(host);
  m.records.push_back(net::GroupRecord{net::RecordType::IsInclude, v4(group), 0, sources});
  for (uint32_t i = 0; i < sources; ++i) m.sources.push_back(v4(first_source + i));
  return m;
}

// The MFT as the engine's updates build it: only the number of keys matters here.
struct KeyCount {
  std::map<std::tuple<VlanId, net::IpAddr, std::optional<net::IpAddr>>, PortMask> keys;
  size_t peak = 0;
  void absorb(const snoop::Actions& a) {
    for (const snoop::FwdUpdate& u : a.fwd) {
      if (u.remove) {
        keys.erase({u.vlan, u.group, u.source});
      } else {
        keys[{u.vlan, u.group, u.source}] = u.ports;
      }
      peak = std::max(peak, keys.size());
    }
  }
};

constexpr std::string_view kFourPorts = R"(ports:
  - {name: h1, device: net_null0}
  - {name: h2, device: net_null1}
  - {name: h3, device: net_null2}
  - {name: r, device: net_null3}
)";

// The independent test of issue 8: 600 groups x 256 sources from one host filled the MFT
// (2 x max_groups keys) and the next join of another host was flooded to the attacker too.
TEST(WiringLimits, OnePortsFloodNeverFillsTheMft) {
  const config::Config cfg = load(kFourPorts);
  const dataplane::SwitchSpec spec = make_switch_spec(cfg);
  snoop::Engine engine(make_engine_config(cfg, {2, 0, 0, 0, 0, 1}));
  snoop::Actions out;
  KeyCount mft;
  engine.start(Ms{0}, out);
  mft.absorb(out);
  for (uint32_t g = 0; g < 600; ++g) {
    out.clear();
    engine.receive(is_in(0x0a000002, 0xef020000 + g, 0x0b000000 + g * 256, 256), 1, 0, Ms{1}, out);
    mft.absorb(out);
  }
  EXPECT_LE(mft.peak, spec.mft_capacity) << "the engine must refuse before the MFT can";
  out.clear();
  engine.receive(is_in(0x0a000003, 0xef4d0001, 0x0c000001, 1), 1, 1, Ms{2}, out);
  mft.absorb(out);
  EXPECT_LE(mft.peak, spec.mft_capacity);
  const auto victim = mft.keys.find({1, v4(0xef4d0001), v4(0x0c000001)});
  ASSERT_NE(victim, mft.keys.end()) << "the second port's join was refused";
  EXPECT_EQ(victim->second.bits(), uint64_t{1} << 1) << "the group goes to the joining port only";
}

// Whatever every port sends, at most max_groups + max_sources keys (plus statics) exist: the
// MFT holds all of them with room to spare.
TEST(WiringLimits, MftHoldsEverythingTheEngineLimitsAllow) {
  for (std::string_view extra : {"", "snooping: {max_groups: 1000, max_sources: 200000}\n",
                                 "snooping: {max_groups: 16777216, max_sources: 16777216}\n"}) {
    const config::Config cfg = load(std::string(kFourPorts) + std::string(extra));
    const uint64_t engine_keys = uint64_t{cfg.snooping.max_groups} + cfg.snooping.max_sources;
    EXPECT_GE(mft_capacity(cfg), std::min<uint64_t>(engine_keys + engine_keys / 8, uint64_t{1} << 24)) << extra;
    EXPECT_EQ(make_switch_spec(cfg).mft_capacity, mft_capacity(cfg));
  }
}

TEST(WiringLimits, VlanMaxGroupsReachesTheEngine) {
  const config::Config cfg = load(std::string(kFourPorts) + R"(vlans:
  - {id: 1, max_groups: 7}
  - {id: 2}
)");
  const snoop::EngineConfig e = make_engine_config(cfg, {2, 0, 0, 0, 0, 1});
  ASSERT_EQ(e.vlans.size(), 2u);
  EXPECT_EQ(e.vlans[0].max_groups, 7u);
  EXPECT_EQ(e.vlans[1].max_groups, 0u) << "an inherited value is the table's limit, not the VLAN's";
  EXPECT_EQ(e.max_sources, 65536u);
  EXPECT_EQ(e.ports[0].max_groups, 65536u / 4);
  EXPECT_EQ(e.ports[0].max_sources, 65536u / 4);
  EXPECT_EQ(e.ports[0].max_sources_per_group, 64u);
}

}  // namespace
}  // namespace mcsnoop::app
