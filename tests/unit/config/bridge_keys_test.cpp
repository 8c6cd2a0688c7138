// The 802.1Q bridge protection keys: ports[].forward_reserved, bpdu, max_macs, storm_control
// and mac_table.move_limit; values and errors (each naming its key path).
#include <gtest/gtest.h>

#include "load_helpers.hpp"

namespace mcsnoop::config {
namespace {

using test::dump;
using test::has_error;
using test::load;
using test::only_error;

TEST(BridgeKeys, DefaultsAreFloodNoReservedAddressesFairShareAndStormControlOff) {
  const LoadResult r = load("ports:\n  - {name: p1, device: net_null0}\n");
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  const Port& p = r.config->ports[0];
  EXPECT_TRUE(p.forward_reserved.empty());
  EXPECT_EQ(p.bpdu, BpduMode::Flood);
  EXPECT_FALSE(p.max_macs.has_value()) << "unset: the port's fair share of mac_table.size";
  EXPECT_EQ(p.storm_control.broadcast, 0u);
  EXPECT_EQ(p.storm_control.unknown_unicast, 0u);
  EXPECT_EQ(p.storm_control.unregistered_multicast, 0u);
  EXPECT_EQ(r.config->mac_table.move_limit, 5u);
}

TEST(BridgeKeys, EveryKeySet) {
  const LoadResult r = load(
      "ports:\n"
      "  - name: p1\n"
      "    device: net_null0\n"
      "    forward_reserved: [0x0e, 3, 0X0F]\n"
      "    bpdu: guard\n"
      "    max_macs: 100\n"
      "    storm_control: {broadcast: 1000, unknown_unicast: 2000, unregistered_multicast: 0}\n"
      "  - {name: p2, device: net_null1, bpdu: drop, max_macs: 0}\n"
      "mac_table: {move_limit: 3}\n");
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  const Port& p = r.config->ports[0];
  EXPECT_EQ(p.forward_reserved, (std::vector<uint8_t>{0x0e, 0x03, 0x0f}));
  EXPECT_EQ(p.bpdu, BpduMode::Guard);
  EXPECT_EQ(p.max_macs, 100u);
  EXPECT_EQ(p.storm_control.broadcast, 1000u);
  EXPECT_EQ(p.storm_control.unknown_unicast, 2000u);
  EXPECT_EQ(p.storm_control.unregistered_multicast, 0u);
  EXPECT_EQ(r.config->ports[1].bpdu, BpduMode::Drop);
  EXPECT_EQ(r.config->ports[1].max_macs, 0u) << "explicit 0: no per-port limit";
  EXPECT_EQ(r.config->mac_table.move_limit, 3u);
}

TEST(BridgeKeys, PauseCanNeverBeForwarded) {
  const LoadResult r = load("ports:\n  - {name: p1, device: net_null0, forward_reserved: [0x0e, 0x01]}\n");
  EXPECT_TRUE(only_error(r, "ports[0].forward_reserved[1]", 2, "PAUSE"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, forward_reserved: [1]}\n"),
                         "ports[0].forward_reserved[0]", 2, "can never be forwarded"));
}

TEST(BridgeKeys, ForwardReservedRefusesTheBpduAddressAndOthers) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, forward_reserved: [0]}\n"),
                         "ports[0].forward_reserved[0]", 2, "bpdu"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, forward_reserved: [16]}\n"),
                         "ports[0].forward_reserved[0]", 2, "not a reserved address"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, forward_reserved: [0x1e]}\n"),
                         "ports[0].forward_reserved[0]", 2, "not a reserved address"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, forward_reserved: [lldp]}\n"),
                         "ports[0].forward_reserved[0]", 2, "expected an integer"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, forward_reserved: 14}\n"),
                         "ports[0].forward_reserved", 2));
}

TEST(BridgeKeys, BpduModeMustBeKnown) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, bpdu: block}\n"), "ports[0].bpdu", 2,
                         "guard"));
}

TEST(BridgeKeys, MaxMacsRange) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, max_macs: -1}\n"), "ports[0].max_macs", 2,
                         "out of range"));
}

TEST(BridgeKeys, StormControlKeysAndRanges) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, storm_control: {broadcast: -5}}\n"),
                         "ports[0].storm_control.broadcast", 2, "out of range"));
  EXPECT_TRUE(has_error(load("ports:\n  - {name: p1, device: net_null0, storm_control: {multicast: 5}}\n"),
                        "ports[0].storm_control.multicast", 2));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0, storm_control: 100}\n"),
                         "ports[0].storm_control", 2));
}

TEST(BridgeKeys, MoveLimitRange) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: net_null0}\nmac_table: {move_limit: 0}\n"),
                         "mac_table.move_limit", 3, "out of range"));
}

}  // namespace
}  // namespace mcsnoop::config
