// ports[].mtu (jumbo frames): values, errors naming the key path, the af_packet ring sizing it
// implies, and the reload verdict (live).
#include <gtest/gtest.h>

#include "load_helpers.hpp"
#include "mcsnoop/config/device_spec.hpp"
#include "mcsnoop/config/reload_diff.hpp"

namespace mcsnoop::config {
namespace {

using test::dump;
using test::load;
using test::only_error;

std::string one_port(const std::string& keys) { return "ports:\n  - {name: p1, device: net_null0" + keys + "}\n"; }

TEST(MtuKey, UnsetByDefaultSoTheDeviceKeepsItsOwn) {
  const LoadResult r = load(one_port(""));
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  EXPECT_FALSE(r.config->ports[0].mtu.has_value());
}

TEST(MtuKey, JumboAndTheEndsOfTheRange) {
  for (unsigned v : {9000u, 68u, 9600u, 1500u}) {
    const LoadResult r = load(one_port(", mtu: " + std::to_string(v)));
    ASSERT_TRUE(r.ok()) << v << dump(r.errors);
    EXPECT_EQ(r.config->ports[0].mtu, v);
  }
}

TEST(MtuKey, OutOfRangeOrNotANumberIsAnErrorAtItsPath) {
  EXPECT_TRUE(only_error(load(one_port(", mtu: 67")), "ports[0].mtu", 2, "out of range"));
  EXPECT_TRUE(only_error(load(one_port(", mtu: 9601")), "ports[0].mtu", 2, "out of range"));
  EXPECT_TRUE(only_error(load(one_port(", mtu: 0")), "ports[0].mtu", 2, "out of range"));
  EXPECT_TRUE(only_error(load(one_port(", mtu: -1500")), "ports[0].mtu", 2, "out of range"));
  EXPECT_TRUE(only_error(load(one_port(", mtu: jumbo")), "ports[0].mtu", 2, "expected an integer"));
  EXPECT_TRUE(only_error(load(one_port(", mtu: 1500.5")), "ports[0].mtu", 2));
  // The second port's key is named by its index.
  const LoadResult r = load("ports:\n  - {name: p1, device: net_null0}\n  - {name: p2, device: net_null1, mtu: 10000}\n");
  EXPECT_TRUE(only_error(r, "ports[1].mtu", 3, "out of range"));
}

TEST(MtuKey, AfPacketRingSetInTheDeviceStringMustHoldTheMtu) {
  const LoadResult small =
      load("ports:\n  - {name: p1, device: \"net_af_packet0,iface=x,framesz=2048\", mtu: 9000}\n");
  EXPECT_TRUE(only_error(small, "ports[0].mtu", 2, "framesz=2048"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: \"net_af_packet0,iface=x,blocksz=8192\", mtu: 4000}\n"),
                         "ports[0].mtu", 2, "at least 4096 bytes"));
  // Left to mcsnoop (no ring argument), or large enough: fine.
  for (const char* dev : {"net_af_packet0,iface=x", "net_af_packet0,iface=x,framesz=9216,blocksz=36864"}) {
    const LoadResult r = load("ports:\n  - {name: p1, device: \"" + std::string(dev) + "\", mtu: 9000}\n");
    EXPECT_TRUE(r.ok()) << dev << dump(r.errors);
  }
  // The default slots (2048 bytes) already hold a 1500-byte MTU's frames.
  EXPECT_TRUE(load("ports:\n  - {name: p1, device: \"net_af_packet0,iface=x,framesz=2048\", mtu: 1500}\n").ok());
}

// The PMD reads slot i at i * framesz; the kernel starts each block afresh: a block that is not
// a whole number of slots would stall RX silently after the first block.
TEST(MtuKey, AfPacketBlocksMustHoldWholeFrames) {
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: \"net_af_packet0,iface=x,framesz=9088,blocksz=12288\"}\n"),
                         "ports[0].device", 2, "must be a multiple of its framesz (9088)"));
  EXPECT_TRUE(only_error(load("ports:\n  - {name: p1, device: \"net_af_packet0,iface=x,framesz=3000\"}\n"),
                         "ports[0].device", 2, "the page size"));
  for (const char* dev : {"net_af_packet0,iface=x", "net_af_packet0,iface=x,framesz=1024,framecnt=64",
                          "net_af_packet0,iface=x,framesz=9216,blocksz=36864", "net_pcap0,iface=x,framesz=3000"}) {
    const LoadResult r = load("ports:\n  - {name: p1, device: \"" + std::string(dev) + "\"}\n");
    EXPECT_TRUE(r.ok()) << dev << dump(r.errors);
  }
}

TEST(MtuKey, DeviceForMtuSizesTheAfPacketRingOnlyWhereNeeded) {
  std::string err;
  EXPECT_EQ(device_for_mtu("net_null0", 9000, 4096, &err), "net_null0");
  EXPECT_EQ(device_for_mtu("0000:03:00.0", 9000, 4096, &err), "0000:03:00.0");
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x", 1500, 4096, &err), "net_af_packet0,iface=x");
  // 66 bytes before the frame, 14 of Ethernet header, 8 of two tags: 9088 (a multiple of 16).
  EXPECT_EQ(af_packet_frame_size_for(9000), 9088u);
  // The slots rounded up to 1 KiB (9216), four to a block of nine pages: the PMD finds slot i
  // at i * framesz, so a block holds whole slots and nothing else.
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x", 9000, 4096, &err),
            "net_af_packet0,iface=x,framesz=9216,blocksz=36864,framecnt=512");
  EXPECT_EQ(device_for_mtu("eth_af_packet1,iface=y,qpairs=2,", 9000, 4096, &err),
            "eth_af_packet1,iface=y,qpairs=2,framesz=9216,blocksz=36864,framecnt=512");
  // The frame count is a multiple of the slots per block (the kernel checks
  // frames_per_block * block_nr == frame_nr; the PMD divides).
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x", 2000, 4096, &err),
            "net_af_packet0,iface=x,framesz=3072,blocksz=12288,framecnt=512");
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x", 5000, 4096, &err),
            "net_af_packet0,iface=x,framesz=5120,blocksz=20480,framecnt=512");
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x", 4000, 4096, &err),
            "net_af_packet0,iface=x,framesz=4096,blocksz=4096,framecnt=512");
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x", 9000, 65536, &err),
            "net_af_packet0,iface=x,framesz=9216,blocksz=589824,framecnt=512");
  EXPECT_EQ(device_for_mtu("net_af_packet0,iface=x,framesz=1024", 9000, 4096, &err), std::nullopt);
  EXPECT_NE(err.find("framesz=1024"), std::string::npos) << err;
}

// Live: the switch applies it, or refuses the reload naming the port where the device or the
// buffers sized at start cannot take it (pipeline JumboFrames.AReload*).
TEST(MtuKey, AChangeOnReloadIsLive) {
  const std::string base = "ports:\n  - {name: h1, device: net_null0}\n  - {name: h2, device: net_null1, mtu: 1500}\n";
  const std::string next = "ports:\n  - {name: h1, device: net_null0, mtu: 9000}\n  - {name: h2, device: net_null1, mtu: 1500}\n";
  const LoadResult a = load(base), b = load(next);
  ASSERT_TRUE(a.ok() && b.ok()) << dump(a.errors) << dump(b.errors);
  const ReloadDiff d = diff_for_reload(*a.config, *b.config);
  EXPECT_TRUE(d.applicable());
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].to_string(), "ports[h1].mtu: unset -> 9000");
  EXPECT_TRUE(d.restart_required.empty());
  EXPECT_TRUE(diff_for_reload(*b.config, *b.config).empty());
}

}  // namespace
}  // namespace mcsnoop::config
