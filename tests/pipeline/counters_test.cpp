// The counter audit of issue 10 ("a counter that never moves in any test is not done"): the
// counters of `show ports` / `show stats` that no other test made move, each made to move here
// through the real data plane and control plane, and read where operators read them (the JSON
// of the views). docs/control-socket.md, "Counters and the tests that move them", lists every
// counter with its test.
#include <gtest/gtest.h>

#include "mcsnoop/mft/mft.hpp"
#include "device_test_helpers.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<HarnessPort> rhhh() { return {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "h3"}}; }

HarnessVlan vlan1() {
  HarnessVlan v;
  v.id = 1;
  return v;
}

uint64_t u64(const json& v) { return v.is_number_unsigned() ? v.get<uint64_t>() : 0; }

// The Internet checksum of `len` bytes at `p` (RFC 1071).
uint16_t inet_checksum(const uint8_t* p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (len % 2 != 0) sum += static_cast<uint32_t>(p[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// An IGMPv2 report turned into IGMP type `type`, checksum fixed: a well-formed IGMP message
// the switch does not know.
std::vector<uint8_t> igmp_of_type(uint8_t type) {
  std::vector<uint8_t> f = v2_report("239.1.1.1", "10.0.0.11", 0x11);
  const net::FrameInfo fi = net::classify_frame(f.data(), static_cast<uint32_t>(f.size()));
  EXPECT_EQ(fi.l4_proto, 2) << "IGMP";
  uint8_t* igmp = f.data() + fi.l4_offset;
  igmp[0] = type;
  igmp[2] = igmp[3] = 0;
  const uint16_t c = inet_checksum(igmp, 8);
  igmp[2] = static_cast<uint8_t>(c >> 8);
  igmp[3] = static_cast<uint8_t>(c & 0xff);
  return f;
}

// A broadcast frame from a source address of its own (n < 2^24).
std::vector<uint8_t> from_host(uint32_t n) {
  const net::MacAddr src{{0x02, 0x10, 0, static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                          static_cast<uint8_t>(n)}};
  return eth_frame(src, net::MacAddr::broadcast());
}

// Byte counters count the frames' bytes, received once, transmitted once per copy, and the
// NIC's own counters see the same frames.
TEST(CountersMove, BytesAreCountedOnBothSides) {
  SwitchHarness sw(rhhh(), {vlan1()});
  const std::vector<uint8_t> frame = eth_frame(mac(0x11), net::MacAddr::broadcast());
  sw.send("h1", frame);
  sw.send("h1", frame);
  const json ports = sw.control().show_ports();
  const uint64_t size = frame.size();
  EXPECT_EQ(port_of(ports, "h1")["rx_bytes"], 2 * size);
  EXPECT_EQ(port_of(ports, "h1")["tx_bytes"], 0u);
  EXPECT_EQ(port_of(ports, "h1")["rx_packets"], 2u);
  EXPECT_EQ(port_of(ports, "h1")["flooded"], 2u) << "broadcast";
  EXPECT_EQ(port_of(ports, "h2")["tx_packets"], 2u);
  for (const char* p : {"r", "h2", "h3"}) EXPECT_EQ(port_of(ports, p)["tx_bytes"], 2 * size) << p;
  EXPECT_EQ(port_of(ports, "h2")["nic"]["opackets"], 2u);
  const json stats = sw.control().show_stats();
  EXPECT_EQ(stats["rx_bytes"], 2 * size);
  EXPECT_EQ(stats["tx_bytes"], 6 * size);
}

// ff00::/16 and ff01::/16 must never appear on a link: dropped and counted.
TEST(CountersMove, Ipv6ReservedMulticastIsDropped) {
  SwitchHarness sw(rhhh(), {vlan1()});
  auto out = sw.send("h1", udp_to("ff01::1", "fe80::11", mac(0x11)));
  for (const auto& [name, frames] : out) EXPECT_EQ(frames.size(), 0u) << name;
  sw.send("h1", udp_to("ff00::1234", "fe80::11", mac(0x11)));
  EXPECT_EQ(port_of(sw.control().show_ports(), "h1")["drops"]["ipv6_reserved"], 2u);
  EXPECT_EQ(sw.control().show_stats()["drops"]["ipv6_reserved"], 2u);
}

// An IGMP type the switch does not know is flooded unchanged (RFC 4541 2.1.1(3)) and counted
// both as flooded and by its decode result.
TEST(CountersMove, UnknownIgmpIsFloodedAndCounted) {
  SwitchHarness sw(rhhh(), {vlan1()});
  auto out = sw.send("h1", igmp_of_type(0x40));
  for (const char* p : {"r", "h2", "h3"}) EXPECT_EQ(out[p].size(), 1u) << p;
  const json stats = sw.control().show_stats();
  EXPECT_EQ(stats["control"]["flooded_unrecognized"], 1u);
  EXPECT_EQ(stats["control"]["decode"]["unknown_type"], 1u);
  EXPECT_EQ(stats["control"]["decoded"], 0u);
  EXPECT_EQ(stats["control"]["punted_frames"], 1u);
  EXPECT_EQ(port_of(sw.control().show_ports(), "h1")["igmp_rx"], 1u);
}

TEST(CountersMove, LinkChangesAreCounted) {
  SwitchHarness sw(rhhh(), {vlan1()});
  const uint64_t before = u64(sw.control().show_stats()["control"]["link_changes"]);
  sw.set_link("h2", false);
  EXPECT_EQ(port_of(sw.control().show_ports(), "h2")["link"], "down");
  sw.set_link("h2", true);
  EXPECT_EQ(u64(sw.control().show_stats()["control"]["link_changes"]), before + 2);
}

// MAC learning as the control lcore applies it: learned, learn events, aged.
TEST(CountersMove, MacLearningAndAgingAreCounted) {
  SwitchHarness sw(rhhh(), {vlan1()}, seconds(2));
  sw.send("h1", eth_frame(mac(0x11), net::MacAddr::broadcast()));
  sw.send("h2", eth_frame(mac(0x12), net::MacAddr::broadcast()));
  json table = sw.control().show_stats()["mac_table"];
  EXPECT_EQ(table["learned"], 2u);
  EXPECT_GE(u64(table["learn_events"]), 2u);
  EXPECT_EQ(table["entries"], 2u);
  EXPECT_EQ(table["aged"], 0u);
  sw.advance(seconds(5));
  table = sw.control().show_stats()["mac_table"];
  EXPECT_EQ(table["aged"], 2u);
  EXPECT_EQ(table["entries"], 0u);
}

// A full MAC table refuses new addresses, and says so.
TEST(CountersMove, MacTableFullIsCounted) {
  HarnessLayout layout;
  layout.mac_table_size = 64;
  std::vector<HarnessPort> ports = rhhh();
  ports[1].max_macs = 0;  // no port limit: the table is the limit here
  SwitchHarness sw(ports, {vlan1()}, seconds(300), layout);
  for (uint32_t i = 0; i < 400; ++i) sw.inject("h1", from_host(i));
  sw.step();
  const json table = sw.control().show_stats()["mac_table"];
  EXPECT_LE(u64(table["entries"]), 64u);
  EXPECT_GT(u64(table["full"]), 0u) << table.dump();
  EXPECT_EQ(table["refused_port_limit"], 0u);
}

// Egress rings that refuse copies: each refused copy is tx_queue_full on the egress port.
TEST(CountersMove, FullEgressQueuesAreCounted) {
  HarnessLayout layout;
  layout.tx_ring_size = 64;  // holds 63 frames
  SwitchHarness sw(rhhh(), {vlan1()}, seconds(300), layout);
  for (int i = 0; i < 200; ++i) sw.inject("h1", eth_frame(mac(0x11), net::MacAddr::broadcast()));
  sw.step();
  const json ports = sw.control().show_ports();
  for (const char* p : {"r", "h2", "h3"}) {
    const json& port = port_of(ports, p);
    EXPECT_EQ(port["drops"]["tx_queue_full"], 200u - 63u) << p;
    EXPECT_EQ(port["tx_packets"], 63u) << p;
  }
  EXPECT_EQ(sw.control().show_stats()["drops"]["tx_queue_full"], 3u * (200u - 63u));
  EXPECT_EQ(sw.capture("h2").size(), 63u);
}

// More control frames than the punt ring holds (4096), with the control lcore not reading it
// and the policer letting everything through: the rest is punt_ring_full.
TEST(CountersMove, PuntRingOverflowIsCounted) {
  HarnessLayout layout;
  layout.rx_pool_mbufs = 16383;  // more frames in flight than the punt ring holds
  std::vector<HarnessPort> ports = rhhh();
  ports[1].punt_rate_pps = 100'000'000;
  SwitchHarness sw(ports, {vlan1()}, seconds(300), layout);
  constexpr unsigned kRounds = 6, kPerRound = 1000;
  for (unsigned round = 0; round < kRounds; ++round) {
    for (unsigned i = 0; i < kPerRound; ++i) sw.inject("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
    for (int guard = 0; guard < 1000 && !sw.rx_ring_empty("h1"); ++guard) sw.poll_data_path();
    ASSERT_TRUE(sw.rx_ring_empty("h1"));
  }
  const json h1 = port_of(sw.control().show_ports(), "h1");
  EXPECT_EQ(h1["drops"]["punt_rate_limited"], 0u);
  EXPECT_GT(u64(h1["drops"]["punt_ring_full"]), 0u);
  EXPECT_EQ(u64(h1["igmp_rx"]) + u64(h1["drops"]["punt_ring_full"]), kRounds * kPerRound);
  sw.step();  // the control lcore drains the ring
}

// More new addresses than the learning ring holds, with the control lcore not reading it: the
// data plane counts the events it lost (learn_ring_full) and the addresses it could not hold
// until published (learn_pending_full).
TEST(CountersMove, LearningOverloadIsCounted) {
  SwitchHarness sw(rhhh(), {vlan1()});
  constexpr uint32_t kPerRound = 1000;  // within the RX ring (1024)
  uint32_t next = 0;
  for (int round = 0; round < 20; ++round) {
    for (uint32_t i = 0; i < kPerRound; ++i) sw.inject("h1", from_host(next++));
    for (int guard = 0; guard < 1000 && !sw.rx_ring_empty("h1"); ++guard) sw.poll_data_path();
    ASSERT_TRUE(sw.rx_ring_empty("h1"));
    sw.drain_all();
  }
  const json h1 = port_of(sw.control().show_ports(), "h1");
  EXPECT_GT(u64(h1["drops"]["learn_ring_full"]), 0u) << "20000 events, a ring of 16384";
  EXPECT_GT(u64(h1["drops"]["learn_pending_full"]), 0u) << "16384 records in 4096 buckets of 8";
  EXPECT_EQ(h1["drops"]["tx_queue_full"], 0u);
  sw.step();  // the control lcore catches up
  EXPECT_GT(u64(sw.control().show_stats()["mac_table"]["learned"]), 0u);
}

// Forwarding updates the MFT refuses wait in a bounded retry set (the larger of 4096 and the
// MFT capacity); those refused while it is full are counted as not retried.
TEST(CountersMove, MftRetrySetOverflowIsCounted) {
  HarnessLayout layout;
  layout.mft_capacity = mft::Table::kMinCapacity;
  SwitchHarness sw(rhhh(), {vlan1()}, seconds(300), layout);
  mft::Table& mft = sw.dp().mft();
  for (uint32_t i = 0; mft.size() < mft.capacity(); ++i)
    ASSERT_TRUE(mft.set(mft::Key(1, net::IpAddr::v4(0xEFC80000 | i)), PortMask::of(sw.port("h3"))));
  // 4300 joins while the virtual clock stands still: no retry tick runs in between.
  constexpr unsigned kGroups = 4300;
  for (unsigned base = 0; base < kGroups; base += 100) {
    net::IgmpV3Report r;
    r.src = ip("10.0.0.11");
    for (unsigned i = base; i < base + 100; ++i)
      r.records.push_back({net::RecordType::IsExclude, net::IpAddr::v4(0xEF030000 | i), {}, 0});
    net::FrameOptions o;
    o.src_mac = mac(0x11);
    sw.send("h1", net::build(r, o));
  }
  const json c = sw.control().show_stats()["control"];
  EXPECT_EQ(c["mft_retry_pending"], 4096u);
  EXPECT_EQ(u64(c["mft_refused"]), kGroups);
  EXPECT_EQ(u64(c["mft_retry_dropped"]), kGroups - 4096u);
  EXPECT_GE(u64(sw.control().show_stats()["mft"]["refused_full"]), kGroups) << "the table was full";
}

// Takes every mbuf of `pool` until given back: what an exhausted pool looks like.
class Hoard {
 public:
  explicit Hoard(rte_mempool* pool) {
    for (rte_mbuf* m; pool != nullptr && (m = rte_pktmbuf_alloc(pool)) != nullptr;) held_.push_back(m);
  }
  ~Hoard() {
    for (rte_mbuf* m : held_) rte_pktmbuf_free(m);
  }
  size_t size() const { return held_.size(); }

 private:
  std::vector<rte_mbuf*> held_;
};

// The data plane's pool of tag headers (mcs_hdr_N; the harness before this one freed its own).
rte_mempool* header_pool() {
  std::vector<rte_mempool*> found;
  rte_mempool_walk(
      [](rte_mempool* mp, void* arg) {
        if (std::string_view(mp->name).starts_with("mcs_hdr_")) static_cast<std::vector<rte_mempool*>*>(arg)->push_back(mp);
      },
      &found);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? nullptr : found.front();
}

// A copy that needs a header the pool cannot give is not sent, and counted on its port.
TEST(CountersMove, ReplicationWithoutMbufsIsCounted) {
  std::vector<HarnessPort> ports = rhhh();
  ports[3].mode = dataplane::VlanMode::Trunk;
  ports[3].allowed = {1};
  SwitchHarness sw(ports, {vlan1()});
  sw.inject("h1", eth_frame(mac(0x11), net::MacAddr::broadcast()));
  std::map<std::string, std::vector<Captured>> out;
  {
    Hoard hoard(header_pool());
    ASSERT_GT(hoard.size(), 0u);
    sw.step();
    for (const char* p : {"r", "h2", "h3"}) out[p] = sw.capture(p);
  }
  EXPECT_EQ(out["h2"].size(), 1u) << "untagged copies need no header";
  EXPECT_EQ(out["h3"].size(), 0u) << "the tagged copy needed one";
  const json ports_now = sw.control().show_ports();
  EXPECT_EQ(port_of(ports_now, "h3")["drops"]["no_mbuf"], 1u);
  EXPECT_EQ(port_of(ports_now, "h2")["drops"]["no_mbuf"], 0u);
}

// A query the control lcore cannot build for want of an mbuf is counted (control.no_mbuf).
TEST(CountersMove, ControlFramesWithoutMbufsAreCounted) {
  HarnessVlan v = vlan1();
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  v.timers.query_interval = seconds(8);  // startup queries QI/4 = 2 s apart
  SwitchHarness sw(rhhh(), {v});
  sw.drain_all();
  const json before = sw.control().show_stats();
  ASSERT_EQ(before["control"]["no_mbuf"], 0u);
  // The first startup query went out at start: asked for by the engine, built and sent.
  EXPECT_GE(u64(before["snooping"]["queries_sent"]), 1u);
  EXPECT_GE(u64(before["control"]["queries_sent"]), 1u);
  {
    Hoard hoard(sw.dp().packet_pool());
    ASSERT_GT(hoard.size(), 0u);
    sw.advance(seconds(3));
  }
  EXPECT_GT(u64(sw.control().show_stats()["control"]["no_mbuf"]), 0u);
}

// The engine's message counters of `show stats`, one message of each kind.
TEST(CountersMove, EngineCountsEveryKindOfMessage) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  net::IgmpV3Report r;
  r.src = ip("10.0.0.11");
  r.records = {{net::RecordType::IsExclude, ip("239.1.1.1"), {}, 0}, {net::RecordType::IsExclude, ip("239.1.1.2"), {}, 0}};
  net::FrameOptions o;
  o.src_mac = mac(0x11);
  sw.send("h1", net::build(r, o));
  sw.send("h2", v2_leave("239.1.1.9", "10.0.0.12", 0x12));
  net::PimHello hello;
  hello.src = ip("10.0.0.1");
  o.src_mac = mac(0xee);
  sw.send("r", net::build(hello, o));
  net::MrdAdvertisement adv;
  adv.src = ip("10.0.0.1");
  sw.send("r", net::build(adv, o));
  net::MrdTermination term;
  term.src = ip("10.0.0.1");
  sw.send("r", net::build(term, o));
  const json e = sw.control().show_stats()["snooping"];
  EXPECT_EQ(e["messages"], 6u) << e.dump();
  EXPECT_EQ(e["queries"], 1u);
  EXPECT_EQ(e["reports"], 1u);
  EXPECT_EQ(e["records"], 3u) << "the IGMPv3 report's two, and the leave as a TO_IN {} record";
  EXPECT_EQ(e["leaves"], 1u);
  EXPECT_EQ(e["pim_hellos"], 1u);
  EXPECT_EQ(e["mrd"], 2u) << "the advertisement and the termination";
  EXPECT_EQ(e["mrd_terminations"], 1u);
  const json c = sw.control().show_stats()["control"];
  EXPECT_EQ(c["punted_frames"], 6u);
  EXPECT_EQ(c["decoded"], 6u);
}

// Messages sent, by type and version, for the kinds views_test does not send: IGMPv1/v2
// queries, MLDv2 queries, MLD reports and dones, MRD advertisements and terminations.
TEST(CountersMove, SentMessagesOfEveryKindAreCounted) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query("10.0.0.1", net::Compat::V1));
  sw.send("r", general_query("10.0.0.1", net::Compat::V2));
  net::MldQuery q6;
  q6.src = ip("fe80::1");
  net::FrameOptions o;
  o.src_mac = mac(0xee);
  sw.send("r", net::build(q6, o));  // r becomes an IPv6 router port: host MLD goes there
  net::MldV2Report r2;
  r2.src = ip("fe80::11");
  r2.records = {{net::RecordType::IsExclude, ip("ff3e::1"), {}, 0}};
  o.src_mac = mac(0x11);
  sw.send("h1", net::build(r2, o));
  net::MldReport r1;
  r1.src = ip("fe80::12");
  r1.group = ip("ff3e::2");
  o.src_mac = mac(0x12);
  sw.send("h2", net::build(r1, o));
  net::MldDone done;
  done.src = ip("fe80::12");
  done.group = ip("ff3e::2");
  sw.send("h2", net::build(done, o));
  net::MrdAdvertisement adv;
  adv.src = ip("10.0.0.1");
  o.src_mac = mac(0xee);
  sw.send("r", net::build(adv, o));
  net::MrdTermination term;
  term.src = ip("10.0.0.1");
  sw.send("r", net::build(term, o));

  const json ports = sw.control().show_ports();
  const json& h3 = port_of(ports, "h3")["messages"]["tx"];
  EXPECT_EQ(h3["igmp"]["queries_v1"], 1u);
  EXPECT_EQ(h3["igmp"]["queries_v2"], 1u);
  EXPECT_EQ(h3["mld"]["queries_v2"], 1u);
  const json& r = port_of(ports, "r")["messages"]["tx"];
  EXPECT_EQ(r["mld"]["reports_v2"], 1u);
  EXPECT_EQ(r["mld"]["reports_v1"], 1u);
  EXPECT_EQ(r["mld"]["done"], 1u);
  const json stats = sw.control().show_stats()["messages"];
  EXPECT_GE(u64(stats["tx"]["mrd"]["advertisements"]), 1u) << stats.dump();
  EXPECT_GE(u64(stats["tx"]["mrd"]["terminations"]), 1u) << stats.dump();
  EXPECT_EQ(stats["rx"]["mrd"]["advertisements"], 1u);
  EXPECT_EQ(stats["rx"]["mrd"]["terminations"], 1u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("docs10-counters-pl", "0-1"));
  return RUN_ALL_TESTS();
}
