// Multi-segment frames: ports whose device cannot send chained mbufs (no
// RTE_ETH_TX_OFFLOAD_MULTI_SEGS; forced here with HarnessPort::tx_multi_seg = false, since
// ring ethdevs offer it) get single-segment copies with the right bytes; the others keep the
// cheap header chain. Frames that arrive chained (RX scatter) are copied flat for such ports,
// or dropped and counted when they do not fit one mbuf.
#include <gtest/gtest.h>

#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::Drop;
using dataplane::VlanMode;

// a, t1: devices that send chains; b, t2: devices that do not. `mtu`: every port's ports[].mtu
// (a frame longer than one mbuf is longer than the default MTU: no port would be sent it).
std::vector<HarnessPort> mixed_ports(std::optional<uint16_t> mtu = {}) {
  return {{.name = "a", .vlan = 10, .port_mtu = mtu},
          {.name = "b", .vlan = 10, .tx_multi_seg = false, .port_mtu = mtu},
          {.name = "t1", .mode = VlanMode::Trunk, .allowed = {10}, .port_mtu = mtu},
          {.name = "t2", .mode = VlanMode::Trunk, .allowed = {10}, .tx_multi_seg = false, .port_mtu = mtu}};
}

std::vector<uint8_t> broadcast(uint32_t payload_len, std::optional<VlanId> tag = {}) {
  net::FrameOptions o;
  o.src_mac = mac(1);
  if (tag) o.vlan = net::VlanTag{net::ether_type::kVlan, 0, false, *tag};
  net::EthernetFrame f;
  f.payload_len = payload_len;
  return net::build(f, o);
}

uint64_t drops(SwitchHarness& sw, const std::string& port, Drop d) {
  return sw.dp().port_counters(sw.port(port)).drops[static_cast<size_t>(d)];
}

TEST(MultiSegment, PortsWithoutMultiSegGetFlatCopiesOfTheTagVariant) {
  SwitchHarness sw(mixed_ports(), {{.id = 10}});
  const std::vector<uint8_t> untagged = broadcast(1000);
  const std::vector<uint8_t> tagged = broadcast(1000, 10);

  auto out = sw.send("a", untagged);
  ASSERT_EQ(out["b"].size(), 1u);
  EXPECT_EQ(out["b"][0].nb_segs, 1u);
  EXPECT_EQ(out["b"][0].bytes, untagged);
  ASSERT_EQ(out["t1"].size(), 1u);
  EXPECT_EQ(out["t1"][0].nb_segs, 2u) << "multi-seg port: header mbuf + clone of the payload";
  EXPECT_EQ(out["t1"][0].bytes, tagged);
  ASSERT_EQ(out["t2"].size(), 1u);
  EXPECT_EQ(out["t2"][0].nb_segs, 1u) << "no multi-seg: one flat copy";
  EXPECT_EQ(out["t2"][0].bytes, tagged);

  out = sw.send("t1", tagged);
  ASSERT_EQ(out["a"].size(), 1u);
  EXPECT_EQ(out["a"][0].nb_segs, 2u);
  EXPECT_EQ(out["a"][0].bytes, untagged);
  ASSERT_EQ(out["b"].size(), 1u);
  EXPECT_EQ(out["b"][0].nb_segs, 1u);
  EXPECT_EQ(out["b"][0].bytes, untagged);
  ASSERT_EQ(out["t2"].size(), 1u);
  EXPECT_EQ(out["t2"][0].nb_segs, 1u);
  EXPECT_EQ(out["t2"][0].bytes, tagged);

  EXPECT_EQ(sw.pool_in_use(), 0u);
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

// Several ports without multi-seg share one flat copy; nothing leaks over many frames.
TEST(MultiSegment, FlatCopiesAreSharedAndFreed) {
  SwitchHarness sw({{.name = "a", .vlan = 10},
                    {.name = "t1", .mode = VlanMode::Trunk, .allowed = {10}, .tx_multi_seg = false},
                    {.name = "t2", .mode = VlanMode::Trunk, .allowed = {10}, .tx_multi_seg = false},
                    {.name = "t3", .mode = VlanMode::Trunk, .allowed = {10}}},
                   {{.id = 10}});
  const std::vector<uint8_t> tagged = broadcast(300, 10);
  for (int i = 0; i < 500; ++i) {
    auto out = sw.send("a", broadcast(300));
    for (const char* t : {"t1", "t2"}) {
      ASSERT_EQ(out[t].size(), 1u) << t;
      ASSERT_EQ(out[t][0].nb_segs, 1u) << t;
      ASSERT_EQ(out[t][0].bytes, tagged) << t;
    }
    ASSERT_EQ(out["t3"].size(), 1u);
    ASSERT_EQ(out["t3"][0].bytes, tagged);
  }
  EXPECT_EQ(sw.pool_in_use(), 0u);
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

// A frame received as a chain (RX scatter) reaches ports without multi-seg as one segment.
TEST(MultiSegment, ChainedFrameIsCopiedFlatForPortsWithoutMultiSeg) {
  SwitchHarness sw(mixed_ports(), {{.id = 10}});
  const std::vector<uint8_t> untagged = broadcast(1400);
  const std::vector<uint8_t> tagged = broadcast(1400, 10);
  sw.inject_chain("a", untagged, 600);
  sw.step();
  auto b = sw.capture("b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].nb_segs, 1u);
  EXPECT_EQ(b[0].bytes, untagged);
  auto t1 = sw.capture("t1");
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_GT(t1[0].nb_segs, 1u);
  EXPECT_EQ(t1[0].bytes, tagged);
  auto t2 = sw.capture("t2");
  ASSERT_EQ(t2.size(), 1u);
  EXPECT_EQ(t2[0].nb_segs, 1u);
  EXPECT_EQ(t2[0].bytes, tagged);
  EXPECT_EQ(sw.pool_in_use(), 0u);
}

// A chained frame longer than one mbuf cannot be sent to a port without multi-seg: dropped
// there and counted, still delivered whole to the ports that take chains.
TEST(MultiSegment, ChainTooLongForOneMbufIsDroppedAndCountedWhereChainsCannotGo) {
  SwitchHarness sw(mixed_ports(9000), {{.id = 10}});
  const std::vector<uint8_t> untagged = broadcast(3000);
  sw.inject_chain("a", untagged, 1500);
  sw.step();
  EXPECT_EQ(sw.capture("b").size(), 0u);
  EXPECT_EQ(sw.capture("t2").size(), 0u);
  EXPECT_EQ(drops(sw, "b", Drop::TxNoMultiSeg), 1u);
  EXPECT_EQ(drops(sw, "t2", Drop::TxNoMultiSeg), 1u);
  auto t1 = sw.capture("t1");
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0].bytes, broadcast(3000, 10));
  EXPECT_EQ(sw.pool_in_use(), 0u);
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

// The ring ethdev offers MULTI_SEGS and RX scatter: both are requested.
TEST(MultiSegment, OffloadsRequestedWhereOffered) {
  SwitchHarness sw(mixed_ports(), {{.id = 10}});
  EXPECT_TRUE(sw.dp().port_info(sw.port("a")).tx_multi_seg);
  EXPECT_FALSE(sw.dp().port_info(sw.port("b")).tx_multi_seg);
  for (const char* p : {"a", "b", "t1", "t2"}) EXPECT_TRUE(sw.dp().port_info(sw.port(p)).rx_scatter) << p;
  rte_eth_conf conf{};
  // The configuration the device was given (rte_eth_dev_conf_get exists from DPDK 22.11).
  ASSERT_EQ(rte_eth_dev_conf_get(sw.dp().port_info(sw.port("a")).dpdk_port, &conf), 0);
  EXPECT_NE(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS, 0u);
  EXPECT_NE(conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER, 0u);
  ASSERT_EQ(rte_eth_dev_conf_get(sw.dp().port_info(sw.port("b")).dpdk_port, &conf), 0);
  EXPECT_EQ(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS, 0u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-mseg", "0-1"));
  return RUN_ALL_TESTS();
}
