// RFC 4286 Multicast Router Solicitations sent by the switch (checklist S04): the frame the
// control plane builds, read back byte by byte and through the project's decoder, and the
// per-port schedule (delay, retransmissions, rate limit, link down).
#include <gtest/gtest.h>

#include <vector>

#include "mcsnoop/control/mrd_solicitor.hpp"
#include "mcsnoop/control/query_frame.hpp"
#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/checksum.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::control {
namespace {

using net::IpAddr;

constexpr uint8_t kPortMac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
constexpr uint32_t kEth = 14;

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

struct Decoded {
  net::FrameInfo fi;
  net::DecodeResult result;
  net::McastMessage msg;
};
// The frame build_solicitation_frame_into() writes, cut to its length.
std::vector<uint8_t> solicitation(const IpAddr& src) {
  std::vector<uint8_t> f(2048);
  f.resize(build_solicitation_frame_into(f, src, kPortMac));
  return f;
}

Decoded decode(const std::vector<uint8_t>& f) {
  Decoded d;
  d.fi = net::classify_frame(f.data(), static_cast<uint32_t>(f.size()));
  d.result = net::decode_l3(d.fi.ethertype, f.data() + d.fi.l3_offset,
                            static_cast<uint32_t>(f.size()) - d.fi.l3_offset, d.msg, nullptr);
  return d;
}

TEST(MrdSolicitationFrame, Ipv4IsIgmp0x31ToAllRoutersWithTtl1AndRouterAlert) {
  const std::vector<uint8_t> f = solicitation(ip("192.0.2.254"));
  ASSERT_GE(f.size(), 60u) << "padded to the Ethernet minimum";
  EXPECT_EQ(net::MacAddr::from_bytes(f.data()), (net::MacAddr{{0x01, 0x00, 0x5e, 0x00, 0x00, 0x02}}));
  EXPECT_EQ(net::MacAddr::from_bytes(f.data() + 6), net::MacAddr::from_bytes(kPortMac));
  EXPECT_EQ(net::load_be16(f.data() + 12), net::ether_type::kIpv4);

  const uint8_t* ip4 = f.data() + kEth;
  EXPECT_EQ(ip4[0], 0x46) << "IPv4 with a 24-byte header: the Router Alert option";
  EXPECT_EQ(net::load_be16(ip4 + 2), 24 + 4) << "total length: header + 4-byte solicitation";
  EXPECT_EQ(ip4[8], 1) << "TTL 1";
  EXPECT_EQ(ip4[9], 2) << "protocol IGMP";
  EXPECT_TRUE(net::ipv4_header_checksum_ok(ip4, 24));
  EXPECT_EQ(IpAddr::v4_bytes(ip4 + 12), ip("192.0.2.254"));
  EXPECT_EQ(IpAddr::v4_bytes(ip4 + 16), ip("224.0.0.2"));
  EXPECT_EQ(std::vector<uint8_t>(ip4 + 20, ip4 + 24), (std::vector<uint8_t>{0x94, 0x04, 0x00, 0x00}))
      << "RFC 2113 Router Alert";

  const uint8_t* igmp = ip4 + 24;
  EXPECT_EQ(igmp[0], 0x31) << "MRD Solicitation";
  EXPECT_EQ(igmp[1], 0) << "reserved";
  EXPECT_TRUE(net::internet_checksum_ok(igmp, 4));

  const Decoded d = decode(f);
  ASSERT_EQ(d.result, net::DecodeResult::Ok);
  EXPECT_EQ(d.fi.cls, net::FrameClass::IgmpControl);
  EXPECT_EQ(d.msg.kind, net::MsgKind::MrdSolicitation);
  EXPECT_EQ(d.msg.family, net::Family::V4);
  EXPECT_EQ(d.msg.src, ip("192.0.2.254"));
  EXPECT_EQ(d.msg.dst, net::addr::kAllRouters);
}

TEST(MrdSolicitationFrame, Ipv4FromTheUnspecifiedAddressDecodes) {
  const std::vector<uint8_t> f = solicitation(IpAddr::any(net::Family::V4));
  const Decoded d = decode(f);
  ASSERT_EQ(d.result, net::DecodeResult::Ok);
  EXPECT_EQ(d.msg.kind, net::MsgKind::MrdSolicitation);
  EXPECT_TRUE(d.msg.src.is_unspecified());
}

TEST(MrdSolicitationFrame, Ipv6IsIcmpv6Type152ToFf02_2WithHopLimit1AndHopByHopRouterAlert) {
  const IpAddr src = net::link_local_from_mac(net::MacAddr::from_bytes(kPortMac));
  const std::vector<uint8_t> f = solicitation(src);
  EXPECT_EQ(net::MacAddr::from_bytes(f.data()), (net::MacAddr{{0x33, 0x33, 0x00, 0x00, 0x00, 0x02}}));
  EXPECT_EQ(net::MacAddr::from_bytes(f.data() + 6), net::MacAddr::from_bytes(kPortMac));
  EXPECT_EQ(net::load_be16(f.data() + 12), net::ether_type::kIpv6);

  const uint8_t* ip6 = f.data() + kEth;
  EXPECT_EQ(ip6[0] >> 4, 6);
  EXPECT_EQ(net::load_be16(ip6 + 4), 8 + 4) << "payload: hop-by-hop header + solicitation";
  EXPECT_EQ(ip6[6], 0) << "next header: hop-by-hop options";
  EXPECT_EQ(ip6[7], 1) << "hop limit 1";
  EXPECT_EQ(IpAddr::v6_bytes(ip6 + 8), src);
  EXPECT_EQ(IpAddr::v6_bytes(ip6 + 24), ip("ff02::2"));

  const uint8_t* hbh = ip6 + 40;
  EXPECT_EQ(hbh[0], 58) << "then ICMPv6";
  EXPECT_EQ(hbh[1], 0) << "8 bytes";
  EXPECT_EQ(std::vector<uint8_t>(hbh + 2, hbh + 6), (std::vector<uint8_t>{0x05, 0x02, 0x00, 0x00}))
      << "RFC 2711 Router Alert";

  const uint8_t* icmp = hbh + 8;
  EXPECT_EQ(icmp[0], 152) << "MRD Solicitation";
  EXPECT_EQ(icmp[1], 0);
  EXPECT_TRUE(net::icmpv6_checksum_ok(src, ip("ff02::2"), icmp, 4));

  const Decoded d = decode(f);
  ASSERT_EQ(d.result, net::DecodeResult::Ok);
  EXPECT_EQ(d.fi.cls, net::FrameClass::MrdControl6);
  EXPECT_EQ(d.msg.kind, net::MsgKind::MrdSolicitation);
  EXPECT_EQ(d.msg.family, net::Family::V6);
  EXPECT_EQ(d.msg.src, src);
  EXPECT_EQ(d.msg.dst, net::addr::kAllRouters6);
}

TEST(MrdSolicitationFrame, PortLinkLocalIsModifiedEui64) {
  EXPECT_EQ(net::link_local_from_mac(net::MacAddr::from_bytes(kPortMac)), ip("fe80::11:22ff:fe33:4455"));
  EXPECT_EQ(net::link_local_from_mac(net::MacAddr{{0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c}}),
            ip("fe80::21b:21ff:fe0a:b0c"))
      << "the universal/local bit is flipped";
  EXPECT_TRUE(net::link_local_from_mac(net::MacAddr{}).is_link_local_unicast_v6());
}

// ---- schedule ------------------------------------------------------------------------------

constexpr MrdSolicitTiming kTiming{};  // 10 ms to 1 s, then 3 s apart, 3 in all

// Runs the schedule from `from` to `to` in 1 ms steps; returns when `port` was due.
std::vector<uint64_t> run(MrdSolicitor& s, PortId port, uint64_t from, uint64_t to) {
  std::vector<uint64_t> at;
  for (uint64_t t = from; t <= to; ++t)
    if (s.take_due(t).test(port)) at.push_back(t);
  return at;
}

TEST(MrdSolicitor, BurstOfThreeFirstWithinMaxSolicitationDelay) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    MrdSolicitor s(4, seed);
    s.trigger(2, 10'000);
    EXPECT_GE(s.next_due(), 10'000u + kTiming.min_delay_ms) << "a random delay, never at once";
    EXPECT_LE(s.next_due(), 10'000u + kTiming.max_delay_ms);
    const auto at = run(s, 2, 10'000, 30'000);
    ASSERT_EQ(at.size(), 3u) << "MAX_SOLICITATIONS";
    EXPECT_EQ(at[1] - at[0], kTiming.interval_ms);
    EXPECT_EQ(at[2] - at[1], kTiming.interval_ms);
    EXPECT_EQ(s.next_due(), MrdSolicitor::kIdle);
  }
}

TEST(MrdSolicitor, PortsAreScheduledIndependently) {
  MrdSolicitor s(3, 7);
  s.trigger(0, 0);
  s.trigger(2, 0);
  PortMask seen;
  for (uint64_t t = 0; t <= 1000; ++t) seen |= s.take_due(t);
  EXPECT_TRUE(seen.test(0));
  EXPECT_FALSE(seen.test(1)) << "never triggered";
  EXPECT_TRUE(seen.test(2));
}

TEST(MrdSolicitor, LinkDownCancelsTheBurst) {
  MrdSolicitor s(1, 1);
  s.trigger(0, 0);
  ASSERT_EQ(run(s, 0, 0, 1000).size(), 1u);
  s.cancel(0);
  EXPECT_EQ(s.next_due(), MrdSolicitor::kIdle);
  EXPECT_TRUE(run(s, 0, 1001, 20'000).empty());
}

TEST(MrdSolicitor, FlappingLinkSendsAtMostOnePerInterval) {
  MrdSolicitor s(1, 3);
  std::vector<uint64_t> at;
  // Down and up every 400 ms (two link polls) for a minute.
  for (uint64_t t = 0; t < 60'000; t += 400) {
    s.trigger(0, t);
    for (uint64_t u = t; u < t + 200; ++u)
      if (s.take_due(u).test(0)) at.push_back(u);
    s.cancel(0);
    for (uint64_t u = t + 200; u < t + 400; ++u) EXPECT_FALSE(s.take_due(u).test(0));
  }
  ASSERT_FALSE(at.empty());
  for (size_t i = 1; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 1], kTiming.interval_ms);
  EXPECT_LE(at.size(), 60'000 / kTiming.interval_ms + 1);
}

TEST(MrdSolicitor, RetriggerAfterABurstWaitsForTheInterval) {
  MrdSolicitor s(1, 5);
  s.trigger(0, 0);
  const auto first = run(s, 0, 0, 10'000);
  ASSERT_EQ(first.size(), 3u);
  s.trigger(0, first.back() + 1);  // link bounced right after the last one
  EXPECT_GE(s.next_due(), first.back() + kTiming.interval_ms);
  EXPECT_EQ(run(s, 0, first.back() + 1, first.back() + 20'000).size(), 3u) << "a new burst";
}

}  // namespace
}  // namespace mcsnoop::control
