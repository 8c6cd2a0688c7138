// The data-path classifier, one test per decision it makes.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::Bytes;
using test::hex;
using test::ip;

FrameInfo classify(const std::vector<uint8_t>& f) {
  return classify_frame(f.data(), static_cast<uint32_t>(f.size()));
}

const IpAddr kHost4 = IpAddr::v4(0x0a000005);  // 10.0.0.5
const IpAddr kLinkLocal6 = IpAddr::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5});

TEST(Classify, UnicastAndBroadcast) {
  auto f = build(EthernetFrame{.dst = MacAddr{{0x02, 0, 0, 0, 0, 9}}});
  EXPECT_EQ(classify(f).cls, FrameClass::Unicast);
  f = build(EthernetFrame{});
  EXPECT_EQ(classify(f).cls, FrameClass::Broadcast);
  // IGMP to a unicast MAC stays unicast (E33): L2 forwarding, never flooded as multicast.
  f = build(IgmpQuery{.src = ip("10.0.0.1"), .dst = ip("10.0.0.7")},
            {.dst_mac = MacAddr{{0x02, 0, 0, 0, 0, 7}}});
  EXPECT_EQ(classify(f).cls, FrameClass::Unicast);
}

TEST(Classify, NonIpMulticast) {
  auto f = build(EthernetFrame{.dst = MacAddr{{0x01, 0x1b, 0x19, 0, 0, 0}}, .ethertype = 0x88f7});
  EXPECT_EQ(classify(f).cls, FrameClass::NonIpMulticast);  // PTP (S20)
  // Multicast MAC carrying a unicast IP (NLB-style): a plain bridge flood.
  f = build(UdpDatagram{.src = kHost4, .dst = ip("10.0.0.9")},
            {.dst_mac = MacAddr{{0x03, 0xbf, 10, 0, 0, 9}}});
  EXPECT_EQ(classify(f).cls, FrameClass::NonIpMulticast);
}

TEST(Classify, McastDataCarriesGroupAndSource) {
  auto fi = classify(build(UdpDatagram{.src = kHost4, .dst = ip("239.1.1.1")}));
  EXPECT_EQ(fi.cls, FrameClass::McastData4);
  EXPECT_EQ(fi.group, ip("239.1.1.1"));
  EXPECT_EQ(fi.source, kHost4);
  EXPECT_EQ(fi.l3_offset, 14);
  EXPECT_EQ(fi.l4_offset, 34);
  EXPECT_EQ(fi.l4_proto, ipproto::kUdp);

  fi = classify(build(UdpDatagram{.src = ip("2001:db8::5"), .dst = ip("ff0e::1:1")}));
  EXPECT_EQ(fi.cls, FrameClass::McastData6);
  EXPECT_EQ(fi.group, ip("ff0e::1:1"));
  EXPECT_EQ(fi.source, ip("2001:db8::5"));
}

TEST(Classify, LinkLocalGroupsFloodWithoutLookup) {
  EXPECT_EQ(classify(build(UdpDatagram{.src = kHost4, .dst = ip("224.0.0.251")})).cls,
            FrameClass::LinkLocalMulticast);
  EXPECT_EQ(classify(build(UdpDatagram{.src = kLinkLocal6, .dst = ip("ff02::1")})).cls,
            FrameClass::LinkLocalMulticast);
  // E1: 239.128.0.5 shares 01:00:5e:00:00:05 with 224.0.0.5 but is not link-local.
  EXPECT_EQ(classify(build(UdpDatagram{.src = kHost4, .dst = ip("239.128.0.5")})).cls,
            FrameClass::McastData4);
  // Other link-scope IPv6 groups are snooped (RFC 4541 3).
  EXPECT_EQ(classify(build(UdpDatagram{.src = kLinkLocal6, .dst = ip("ff02::fb")})).cls,
            FrameClass::McastData6);
}

TEST(Classify, Ipv6ReservedScopes) {
  EXPECT_EQ(classify(build(UdpDatagram{.src = kLinkLocal6, .dst = ip("ff01::1")})).cls,
            FrameClass::Ipv6Reserved);
  EXPECT_EQ(classify(build(UdpDatagram{.src = kLinkLocal6, .dst = ip("ff00::1234")})).cls,
            FrameClass::Ipv6Reserved);
}

TEST(Classify, IgmpWithAndWithoutOptions) {
  EXPECT_EQ(classify(build(IgmpReport{.src = kHost4, .group = ip("239.1.1.1")})).cls,
            FrameClass::IgmpControl);
  EXPECT_EQ(classify(build(IgmpQuery{.version = Compat::V1, .src = ip("10.0.0.1")})).cls,
            FrameClass::IgmpControl);  // no Router Alert: IHL 5
  // Any IGMP type, to a link-local group too.
  auto f = build(IgmpLeave{.src = kHost4, .group = ip("239.1.1.1")});
  f[14 + 24] = 0x42;
  EXPECT_EQ(classify(f).cls, FrameClass::IgmpControl);
  const auto fi = classify(build(IgmpQuery{.src = ip("10.0.0.1")}));
  EXPECT_EQ(fi.l4_offset, 14 + 24);
}

TEST(Classify, IgmpFragmentsAreData) {
  for (uint16_t frag : {uint16_t{0x2000}, uint16_t{0x0003}}) {
    auto f = build(IgmpReport{.src = kHost4, .group = ip("239.1.1.1")});
    store_be16(f.data() + 14 + 6, frag);
    test::fix_ipv4_header_checksum(f.data() + 14);
    EXPECT_EQ(classify(f).cls, FrameClass::McastData4) << frag;
    auto g = build(IgmpQuery{.src = ip("10.0.0.1")});  // to 224.0.0.1
    store_be16(g.data() + 14 + 6, frag);
    test::fix_ipv4_header_checksum(g.data() + 14);
    EXPECT_EQ(classify(g).cls, FrameClass::LinkLocalMulticast) << frag;
  }
}

TEST(Classify, Ipv4Malformed) {
  auto base = build(UdpDatagram{.src = kHost4, .dst = ip("239.1.1.1")});
  auto f = base;
  f[14 + 10] ^= 0xff;  // bad header checksum (S22)
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f = build(IgmpReport{.src = kHost4, .group = ip("239.1.1.1")});
  f[14 + 11] ^= 0x01;
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);  // IGMP too
  f = base;
  store_be16(f.data() + 14 + 2, static_cast<uint16_t>(f.size()));  // total > frame
  test::fix_ipv4_header_checksum(f.data() + 14);
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f = base;
  store_be16(f.data() + 14 + 2, 19);  // total < IHL*4
  test::fix_ipv4_header_checksum(f.data() + 14);
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f = base;
  f[14] = 0x4f;  // IHL 15 = 60 bytes: checksum covers other bytes now
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f.resize(14 + 19);
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f.resize(13);
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
}

// With IPv4 checksum offload the NIC's verdict replaces the sum (S22 still holds: a bad
// verdict drops). Lengths are checked either way.
TEST(Classify, NicChecksumVerdictReplacesTheSum) {
  const auto good = build(UdpDatagram{.src = kHost4, .dst = ip("239.1.1.1")});
  auto corrupt = good;
  corrupt[14 + 10] ^= 0xff;
  auto run = [](const std::vector<uint8_t>& f, Ipv4Checksum hw) {
    return classify_frame(f.data(), static_cast<uint32_t>(f.size()), hw).cls;
  };
  EXPECT_EQ(run(good, Ipv4Checksum::Bad), FrameClass::Malformed);
  EXPECT_EQ(run(corrupt, Ipv4Checksum::Good), FrameClass::McastData4) << "the NIC checked it";
  EXPECT_EQ(run(corrupt, Ipv4Checksum::Unchecked), FrameClass::Malformed);
  EXPECT_EQ(run(good, Ipv4Checksum::Unchecked), FrameClass::McastData4);
  auto short_total = good;
  store_be16(short_total.data() + 14 + 2, 19);
  EXPECT_EQ(run(short_total, Ipv4Checksum::Good), FrameClass::Malformed);
  const auto v6 = build(UdpDatagram{.src = ip("2001:db8::5"), .dst = ip("ff0e::1:1")});
  EXPECT_EQ(run(v6, Ipv4Checksum::Bad), FrameClass::McastData6) << "IPv4 flags say nothing about IPv6";
}

TEST(Classify, MldBehindHopByHopAndDestOptions) {
  // fe80::1 -> ff02::16: HBH (RA) -> dest-opts -> ICMPv6 143.
  Bytes f = hex("33 33 00 00 00 16  02 00 00 00 00 01  86 dd");
  const Bytes ip6 = hex(
      "60 00 00 00  00 18 00 01  fe 80 00 00 00 00 00 00  00 00 00 00 00 00 00 01"
      "ff 02 00 00 00 00 00 00  00 00 00 00 00 00 00 16"
      "3c 00 05 02 00 00 01 00   3a 00 01 04 00 00 00 00   8f 00 00 00 00 00 00 00");
  f.insert(f.end(), ip6.begin(), ip6.end());
  const FrameInfo fi = classify(f);
  EXPECT_EQ(fi.cls, FrameClass::MldControl);
  EXPECT_EQ(fi.l4_offset, 14 + 56);
  EXPECT_EQ(fi.l4_proto, ipproto::kIcmpv6);
}

TEST(Classify, AllMldTypesAndMrdAreControl) {
  EXPECT_EQ(classify(build(MldQuery{.src = kLinkLocal6})).cls, FrameClass::MldControl);
  EXPECT_EQ(classify(build(MldQuery{.version = Compat::V2, .src = kLinkLocal6})).cls,
            FrameClass::MldControl);
  EXPECT_EQ(classify(build(MldReport{.src = kLinkLocal6, .group = ip("ff05::2")})).cls,
            FrameClass::MldControl);
  EXPECT_EQ(classify(build(MldDone{.src = kLinkLocal6, .group = ip("ff05::2")})).cls,
            FrameClass::MldControl);
  EXPECT_EQ(classify(build(MrdAdvertisement{.src = kLinkLocal6})).cls, FrameClass::MrdControl6);
  EXPECT_EQ(classify(build(MrdSolicitation{.src = kLinkLocal6})).cls, FrameClass::MrdControl6);
}

TEST(Classify, NeighborDiscoveryIsNeverControl) {
  // S32: NS to a solicited-node group is data, RA to ff02::1 is link-local flood.
  for (uint8_t type = 133; type <= 137; ++type) {
    auto f = build(MldReport{.src = kLinkLocal6, .group = ip("ff02::1:ff00:5")});
    f[14 + 48] = type;
    EXPECT_EQ(classify(f).cls, FrameClass::McastData6) << int{type};
    auto g = build(MldReport{.src = kLinkLocal6, .group = ip("ff02::1"), .dst = ip("ff02::1")});
    g[14 + 48] = type;
    EXPECT_EQ(classify(g).cls, FrameClass::LinkLocalMulticast) << int{type};
  }
}

TEST(Classify, Ipv6FragmentIsData) {
  auto f = build(MldReport{.src = kLinkLocal6, .group = ip("ff05::2")});
  f[14 + 40] = ipproto::kFragment;  // HBH now points at a fragment header
  const Bytes frag = hex("3a 00 00 08 00 00 00 01");  // offset 1 (non-first)
  std::copy(frag.begin(), frag.end(), f.begin() + 14 + 48);
  EXPECT_EQ(classify(f).cls, FrameClass::McastData6);
}

TEST(Classify, Ipv6Malformed) {
  auto base = build(MldReport{.src = kLinkLocal6, .group = ip("ff05::2")});
  auto f = base;
  store_be16(f.data() + 14 + 4, 200);  // payload length beyond the frame
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f = base;
  f[14 + 41] = 20;  // hop-by-hop runs past the payload
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  f = base;
  f[14] = 0x70;  // version 7
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
  // A chain longer than any legal one: nine destination-options headers.
  Bytes g = hex("33 33 00 00 00 16  02 00 00 00 00 01  86 dd  60 00 00 00  00 48 3c 01");
  const Bytes src_dst = hex(
      "fe 80 00 00 00 00 00 00  00 00 00 00 00 00 00 01"
      "ff 02 00 00 00 00 00 00  00 00 00 00 00 00 00 16");
  g.insert(g.end(), src_dst.begin(), src_dst.end());
  for (int i = 0; i < 9; ++i) {
    const Bytes opt = hex("3c 00 01 04 00 00 00 00");
    g.insert(g.end(), opt.begin(), opt.end());
  }
  EXPECT_EQ(classify(g).cls, FrameClass::Malformed);
}

TEST(Classify, PimHelloBothFamilies) {
  EXPECT_EQ(classify(build(PimHello{.src = ip("10.0.0.1")})).cls, FrameClass::PimControl);
  EXPECT_EQ(classify(build(PimHello{.src = kLinkLocal6})).cls, FrameClass::PimControl);
  // PIM to another group is just data.
  auto f = build(UdpDatagram{.src = kHost4, .dst = ip("239.1.1.1")});
  f[14 + 9] = ipproto::kPim;
  test::fix_ipv4_header_checksum(f.data() + 14);
  EXPECT_EQ(classify(f).cls, FrameClass::McastData4);
}

TEST(Classify, TaggedAndPriorityTagged) {
  auto fi = classify(build(IgmpReport{.src = kHost4, .group = ip("239.1.1.1")},
                           {.vlan = VlanTag{.pcp = 5, .vid = 100}}));
  EXPECT_EQ(fi.cls, FrameClass::IgmpControl);
  EXPECT_TRUE(fi.tagged);
  EXPECT_FALSE(fi.priority_tagged());
  EXPECT_EQ(fi.vid, 100);
  EXPECT_EQ(fi.pcp, 5);
  EXPECT_EQ(fi.l2_len, 18);
  EXPECT_EQ(fi.l3_offset, 18);
  EXPECT_EQ(fi.ethertype, ether_type::kIpv4);

  fi = classify(build(UdpDatagram{.src = kHost4, .dst = ip("239.1.1.1")},
                      {.vlan = VlanTag{.pcp = 3, .vid = 0}}));
  EXPECT_EQ(fi.cls, FrameClass::McastData4);
  EXPECT_TRUE(fi.priority_tagged());
  EXPECT_EQ(fi.vid, 0);
}

TEST(Classify, QinQReported) {
  auto f = build(MldReport{.src = kLinkLocal6, .group = ip("ff05::2")},
                 {.vlan = VlanTag{.vid = 20}});
  ASSERT_TRUE(push_vlan_tag(f, VlanTag{.tpid = ether_type::kQinQ, .vid = 300}));
  const FrameInfo fi = classify(f);
  EXPECT_EQ(fi.cls, FrameClass::MldControl);
  EXPECT_TRUE(fi.qinq);
  EXPECT_EQ(fi.vid, 300);
  EXPECT_EQ(fi.inner_vid, 20);
  EXPECT_EQ(fi.l2_len, 22);
  f.resize(20);  // inner tag cut
  EXPECT_EQ(classify(f).cls, FrameClass::Malformed);
}

TEST(Classify, ControlFramesInPaddingAreRead) {
  auto fi = classify(build(IgmpQuery{.version = Compat::V2, .src = ip("10.0.0.1")}));
  EXPECT_EQ(fi.cls, FrameClass::IgmpControl);
  EXPECT_TRUE(fi.is_control());
}

TEST(Classify, NamesDistinct) {
  std::set<std::string> names;
  for (unsigned i = 0; i < kFrameClassCount; ++i) {
    names.insert(to_string(static_cast<FrameClass>(i)));
  }
  EXPECT_EQ(names.size(), kFrameClassCount);
  EXPECT_EQ(names.count("invalid"), 0u);
}

}  // namespace
}  // namespace mcsnoop::net
