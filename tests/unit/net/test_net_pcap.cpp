// The classic pcap writer and reader.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/pcap_file.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("mcsnoop_") + name + "_" + std::to_string(::getpid()) + ".pcap"))
      .string();
}

TEST(Pcap, WriteThenRead) {
  const std::string path = temp_path("rw");
  std::vector<std::vector<uint8_t>> frames = {
      build(IgmpQuery{.src = test::ip("10.0.0.1")}),
      build(UdpDatagram{.src = test::ip("2001:db8::1"), .dst = test::ip("ff0e::1"),
                        .payload_len = 1000}),
  };
  PcapWriter w;
  ASSERT_TRUE(w.open(path)) << w.error();
  ASSERT_TRUE(w.write(frames[0], 1'500'000'123'456'000));
  ASSERT_TRUE(w.write(frames[1], 1'500'000'124'000'000));
  ASSERT_TRUE(w.close());

  PcapReader r;
  ASSERT_TRUE(r.open(path)) << r.error();
  EXPECT_EQ(r.linktype(), kLinkTypeEthernet);
  PcapRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.data, frames[0]);
  EXPECT_EQ(rec.ts_ns, 1'500'000'123'456'000u);
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.data, frames[1]);
  EXPECT_EQ(rec.orig_len, frames[1].size());
  EXPECT_FALSE(r.next(rec));
  EXPECT_TRUE(r.error().empty());
  std::filesystem::remove(path);
}

TEST(Pcap, SnaplenCutsButKeepsOriginalLength) {
  const std::string path = temp_path("snap");
  PcapWriter w;
  ASSERT_TRUE(w.open(path, 64));
  ASSERT_TRUE(w.write(build(EthernetFrame{.payload_len = 200})));
  ASSERT_TRUE(w.close());
  const auto recs = read_pcap(path);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].data.size(), 64u);
  EXPECT_EQ(recs[0].orig_len, 214u);
  std::filesystem::remove(path);
}

TEST(Pcap, ReadsBigEndianNanosecondFiles) {
  const std::string path = temp_path("be");
  const auto bytes = test::hex(
      "a1 b2 3c 4d 00 02 00 04 00 00 00 00 00 00 00 00 00 00 ff ff 00 00 00 01"  // header
      "00 00 00 02 00 00 00 07 00 00 00 03 00 00 00 03 aa bb cc");              // 1 record
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
  std::string err;
  const auto recs = read_pcap(path, &err);
  ASSERT_EQ(recs.size(), 1u) << err;
  EXPECT_EQ(recs[0].ts_ns, 2'000'000'007u);
  EXPECT_EQ(recs[0].data, test::hex("aa bb cc"));
  std::filesystem::remove(path);
}

TEST(Pcap, RejectsDamage) {
  const std::string path = temp_path("bad");
  ASSERT_TRUE(write_pcap(path, {build(EthernetFrame{})}));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 5);
  std::string err;
  EXPECT_TRUE(read_pcap(path, &err).empty());
  EXPECT_NE(err.find("truncated"), std::string::npos);
  std::ofstream(path, std::ios::binary) << "not a pcap file at all....";
  PcapReader r;
  EXPECT_FALSE(r.open(path));
  EXPECT_FALSE(r.error().empty());
  std::filesystem::remove(path);
  EXPECT_FALSE(r.open(path));
}

}  // namespace
}  // namespace mcsnoop::net
