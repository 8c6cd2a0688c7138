// Build-then-parse round trips for every message type, plus the framing details builders
// promise (Router Alert, TTL, ToS, MAC mapping, padding, tags, caller buffers).
#include <gtest/gtest.h>

#include <array>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::ip;

struct Parsed {
  FrameInfo fi;
  DecodeResult result;
  McastMessage msg;
  DecodeNotes notes;
};

Parsed parse(const std::vector<uint8_t>& f) {
  Parsed p;
  p.fi = classify_frame(f.data(), static_cast<uint32_t>(f.size()));
  p.result = decode_l3(p.fi.ethertype, f.data() + p.fi.l3_offset,
                       static_cast<uint32_t>(f.size()) - p.fi.l3_offset, p.msg, &p.notes);
  return p;
}

const IpAddr kQuerier = IpAddr::v4(0x0a000001);
const IpAddr kLl = IpAddr::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

TEST(BuildRoundTrip, IgmpQueriesAllVersions) {
  for (Compat v : {Compat::V1, Compat::V2, Compat::V3}) {
    const auto f = build(IgmpQuery{.version = v, .src = kQuerier, .max_resp_ms = 5000});
    const Parsed p = parse(f);
    ASSERT_EQ(p.result, DecodeResult::Ok) << int(v);
    EXPECT_EQ(p.fi.cls, FrameClass::IgmpControl);
    EXPECT_EQ(p.msg.kind, MsgKind::Query);
    EXPECT_EQ(p.msg.compat, v);
    EXPECT_EQ(p.msg.src, kQuerier);
    EXPECT_EQ(p.msg.dst, addr::kAllSystems);
    EXPECT_EQ(p.msg.query.max_resp_ms, v == Compat::V1 ? 10'000u : 5'000u);
    EXPECT_EQ(p.notes.router_alert, v != Compat::V1);
    EXPECT_EQ(f.size(), 60u);
    EXPECT_EQ(MacAddr::from_bytes(f.data()).to_string(), "01:00:5e:00:00:01");
    EXPECT_EQ(f[14 + 8], 1);                                    // TTL
    EXPECT_EQ(f[14 + 1], v == Compat::V3 ? 0xc0 : 0x00);        // ToS
  }
}

TEST(BuildRoundTrip, IgmpV3GroupAndSourceQuery) {
  const auto f = build(IgmpQuery{.src = kQuerier, .group = ip("232.1.1.1"), .max_resp_ms = 1000,
                                 .suppress = true, .qrv = 9, .qqi_s = 300,
                                 .sources = {ip("10.0.0.7"), ip("10.0.0.8")}});
  const Parsed p = parse(f);
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_EQ(p.msg.dst, ip("232.1.1.1"));
  EXPECT_EQ(p.msg.query.group, ip("232.1.1.1"));
  EXPECT_TRUE(p.msg.query.suppress);
  EXPECT_EQ(p.msg.query.qrv, 0);       // > 7 is sent as 0
  EXPECT_EQ(p.msg.query.qqi_s, 288u);  // 300 not representable: next lower (0x92)
  ASSERT_EQ(p.msg.query_sources().size(), 2u);
  EXPECT_EQ(p.msg.query_sources()[1], ip("10.0.0.8"));
}

TEST(BuildRoundTrip, IgmpReportsAndLeave) {
  for (Compat v : {Compat::V1, Compat::V2}) {
    const Parsed p = parse(build(IgmpReport{.version = v, .src = ip("10.0.0.5"),
                                            .group = ip("239.1.2.3")}));
    ASSERT_EQ(p.result, DecodeResult::Ok);
    EXPECT_EQ(p.msg.compat, v);
    EXPECT_EQ(p.msg.dst, ip("239.1.2.3"));
    ASSERT_EQ(p.msg.records.size(), 1u);
    EXPECT_EQ(p.msg.records[0].group, ip("239.1.2.3"));
  }
  const Parsed p = parse(build(IgmpLeave{.src = ip("10.0.0.5"), .group = ip("239.1.2.3")}));
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_TRUE(p.msg.is_leave);
  EXPECT_EQ(p.msg.dst, addr::kAllRouters);
}

TEST(BuildRoundTrip, IgmpV3ReportAllRecordTypes) {
  IgmpV3Report r{.src = ip("10.0.0.5")};
  for (uint8_t t = 1; t <= 6; ++t) {
    r.records.push_back(ReportRecord{.type = static_cast<RecordType>(t),
                                     .group = IpAddr::v4(0xef000000u + t),
                                     .sources = {IpAddr::v4(0x0a000000u + t)},
                                     .aux_words = static_cast<uint8_t>(t % 2)});
  }
  const auto f = build(r);
  const Parsed p = parse(f);
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_EQ(p.msg.dst, addr::kIgmpV3Routers);
  ASSERT_EQ(p.msg.records.size(), 6u);
  for (uint8_t t = 1; t <= 6; ++t) {
    const GroupRecord& g = p.msg.records[t - 1];
    EXPECT_EQ(static_cast<uint8_t>(g.type), t);
    EXPECT_EQ(g.group, IpAddr::v4(0xef000000u + t));
    ASSERT_EQ(p.msg.sources_of(g).size(), 1u);
    EXPECT_EQ(p.msg.sources_of(g)[0], IpAddr::v4(0x0a000000u + t));
  }
}

TEST(BuildRoundTrip, MldAllMessages) {
  Parsed p = parse(build(MldQuery{.version = Compat::V2, .src = kLl, .group = ip("ff05::3")}));
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_EQ(p.fi.cls, FrameClass::MldControl);
  EXPECT_EQ(p.msg.compat, Compat::V2);
  EXPECT_EQ(p.msg.dst, ip("ff05::3"));

  p = parse(build(MldQuery{.src = kLl, .max_resp_ms = 100'000}));
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_EQ(p.msg.compat, Compat::V3);
  EXPECT_EQ(p.msg.dst, addr::kAllNodes6);
  EXPECT_LE(p.msg.query.max_resp_ms, 100'000u);
  EXPECT_GT(p.msg.query.max_resp_ms, 99'000u);
  EXPECT_TRUE(p.notes.router_alert);

  p = parse(build(MldReport{.src = kLl, .group = ip("ff0e::42")}));
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_EQ(p.msg.records.at(0).group, ip("ff0e::42"));
  EXPECT_EQ(MacAddr::from_bytes(build(MldReport{.src = kLl, .group = ip("ff0e::42")}).data())
                .to_string(),
            "33:33:00:00:00:42");

  p = parse(build(MldDone{.src = kLl, .group = ip("ff0e::42")}));
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_TRUE(p.msg.is_leave);

  p = parse(build(MldV2Report{.src = kLl,
                              .records = {{.type = RecordType::BlockOld,
                                           .group = ip("ff3e::8000:1"),
                                           .sources = {ip("2001:db8::1"), ip("2001:db8::2")}},
                                          {.type = static_cast<RecordType>(7),
                                           .group = ip("ff0e::1"),
                                           .aux_words = 2}}}));
  ASSERT_EQ(p.result, DecodeResult::Ok);
  EXPECT_EQ(p.msg.dst, addr::kMldV2Routers);
  ASSERT_EQ(p.msg.records.size(), 1u);  // type 7 skipped
  EXPECT_EQ(p.notes.skipped_unknown_records, 1);
  EXPECT_EQ(p.msg.sources_of(p.msg.records[0]).size(), 2u);
}

TEST(BuildRoundTrip, PimAndMrd) {
  for (const IpAddr& src : {kQuerier, kLl}) {
    Parsed p = parse(build(PimHello{.src = src, .holdtime_s = 77}));
    ASSERT_EQ(p.result, DecodeResult::Ok);
    EXPECT_EQ(p.fi.cls, FrameClass::PimControl);
    EXPECT_EQ(p.msg.pim.holdtime_s, 77);
    p = parse(build(MrdAdvertisement{.src = src}));
    ASSERT_EQ(p.result, DecodeResult::Ok);
    EXPECT_EQ(p.msg.mrd.adv_interval_s, 20);
    p = parse(build(MrdSolicitation{.src = src}));
    ASSERT_EQ(p.result, DecodeResult::Ok);
    EXPECT_EQ(p.msg.dst, src.is_v4() ? addr::kAllRouters : addr::kAllRouters6);
    p = parse(build(MrdTermination{.src = src}));
    ASSERT_EQ(p.result, DecodeResult::Ok);
    EXPECT_EQ(p.msg.kind, MsgKind::MrdTermination);
  }
}

TEST(BuildData, UdpChecksumsVerify) {
  for (const auto& [src, dst] : {std::pair{ip("10.0.0.5"), ip("239.1.1.1")},
                                 std::pair{ip("2001:db8::5"), ip("ff0e::1")}}) {
    const auto f = build(UdpDatagram{.src = src, .dst = dst, .payload_len = 101});
    const FrameInfo fi = classify_frame(f.data(), static_cast<uint32_t>(f.size()));
    const uint8_t* udp = f.data() + fi.l4_offset;
    const uint32_t len = load_be16(udp + 4);
    EXPECT_EQ(len, 8u + 101u);
    EXPECT_TRUE(internet_checksum_ok(udp, len, pseudo_header_sum(src, dst, len, ipproto::kUdp)));
    EXPECT_EQ(f[fi.l3_offset + (src.is_v4() ? 8 : 7)], 64);  // TTL / hop limit
  }
  const auto g = build(UdpDatagram{.src = ip("10.0.0.5"), .dst = ip("239.1.1.1"),
                                   .payload = {1, 2, 3}});
  EXPECT_EQ(g.size(), 60u);
  EXPECT_EQ(g[14 + 20 + 8 + 2], 3);
}

TEST(BuildData, EthernetFrame) {
  const auto f = build(EthernetFrame{.dst = MacAddr{{0x02, 1, 2, 3, 4, 5}}, .payload_len = 100},
                       {.vlan = VlanTag{.vid = 9}});
  EXPECT_EQ(f.size(), 14u + 4u + 100u);
  const auto h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->outer.vid, 9);
  EXPECT_EQ(h->ethertype, ether_type::kLocalExperimental);
}

TEST(BuildInto, CallerBufferSizes) {
  const IgmpQuery q{.src = kQuerier};
  const auto v = build(q);
  std::array<uint8_t, 128> buf{};
  ASSERT_EQ(build_into(buf, q), v.size());
  EXPECT_TRUE(std::equal(v.begin(), v.end(), buf.begin()));
  std::array<uint8_t, 59> small{};
  EXPECT_EQ(build_into(small, q), 0u);
  std::array<uint8_t, 40> tiny{};
  EXPECT_EQ(build_into(tiny, q, {.pad_to_minimum = false}), 0u);  // 14 + 24 + 12 = 50
}

TEST(BuildOptions, OverridesAndDestinationMac) {
  auto f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")},
                 {.src_mac = MacAddr{{0x02, 0xaa, 0, 0, 0, 1}}, .ttl = 7, .router_alert = false});
  EXPECT_EQ(MacAddr::from_bytes(f.data() + 6).to_string(), "02:aa:00:00:00:01");
  EXPECT_EQ(f[14], 0x45);      // no option
  EXPECT_EQ(f[14 + 8], 7);
  McastMessage m;
  EXPECT_EQ(decode_ipv4(f.data() + 14, static_cast<uint32_t>(f.size() - 14), m),
            DecodeResult::TtlNot1);
  f = build(IgmpQuery{.src = kQuerier, .dst = ip("10.0.0.9")});
  EXPECT_TRUE(MacAddr::from_bytes(f.data()).is_broadcast());  // unicast IP, no MAC given
}

}  // namespace
}  // namespace mcsnoop::net
