// LimitLog: the first refusal at a limit is logged at once, later ones at most once per
// interval with the number refused since; nothing while no limit refuses.
#include <gtest/gtest.h>

#include "mcsnoop/control/limit_log.hpp"

namespace mcsnoop::control {
namespace {

using snoop::Ms;

net::McastMessage v2_join(uint32_t group) {
  net::McastMessage m;
  m.kind = net::MsgKind::Report;
  m.family = net::Family::V4;
  m.compat = net::Compat::V2;
  const uint8_t host[4] = {10, 0, 0, 11};
  m.src = net::IpAddr::v4_bytes(host);
  const uint8_t g[4] = {239, 1, static_cast<uint8_t>(group >> 8), static_cast<uint8_t>(group)};
  m.records.push_back(net::GroupRecord{net::RecordType::IsExclude, net::IpAddr::v4_bytes(g), 0, 0});
  return m;
}

TEST(LimitLogTest, FirstRefusalAtOnceThenAtMostOncePerInterval) {
  snoop::EngineConfig cfg;
  cfg.ports.resize(2);
  cfg.ports[0].max_groups = 1;
  snoop::VlanConfig v;
  v.members = PortMask::all(2);
  cfg.vlans.push_back(v);
  snoop::Engine engine(cfg);
  snoop::Actions out;
  engine.start(Ms{0}, out);
  LimitLog log(60'000);
  auto name = [](PortId p) { return std::string(p == 0 ? "p0" : "p1"); };
  auto join = [&](uint32_t g) {
    out.clear();
    engine.receive(v2_join(g), 1, 0, Ms{0}, out);
  };
  join(1);
  EXPECT_TRUE(log.check(engine, 2, name, 1000).empty()) << "nothing refused yet";
  join(2);
  const std::vector<std::string> first = log.check(engine, 2, name, 1100);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_NE(first[0].find("port p0: 1 joins refused"), std::string::npos) << first[0];
  join(3);
  join(4);
  EXPECT_TRUE(log.check(engine, 2, name, 30'000).empty()) << "rate limited";
  const std::vector<std::string> later = log.check(engine, 2, name, 61'100);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_NE(later[0].find("2 joins refused"), std::string::npos) << later[0];
  EXPECT_TRUE(log.check(engine, 2, name, 200'000).empty()) << "nothing new";
}

}  // namespace
}  // namespace mcsnoop::control
