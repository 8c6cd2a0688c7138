// IpAddr text forms (RFC 4291 parse, RFC 5952 output), MAC addresses, multicast MAC mapping,
// Ethernet/802.1Q parsing and tag editing.
#include <gtest/gtest.h>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::hex;
using test::ip;

TEST(IpAddrText, ParsesDottedQuadAsV4Mapped) {
  auto a = IpAddr::parse("239.1.2.3");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_host(), 0xef010203u);
  EXPECT_EQ(a->to_string(), "239.1.2.3");
  EXPECT_EQ(IpAddr::parse("0.0.0.0")->to_string(), "0.0.0.0");
}

TEST(IpAddrText, RejectsGarbage) {
  for (const char* s : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ",
                        "::1::2", "12345::", "fe80::1%eth0", "g::1", ":::", "1:2:3:4:5:6:7:8:9",
                        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x"}) {
    EXPECT_FALSE(IpAddr::parse(s)) << s;
  }
}

TEST(IpAddrText, Rfc5952CanonicalOutput) {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"::", "::"},
           {"::1", "::1"},
           {"FF02:0:0:0:0:0:0:16", "ff02::16"},
           {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},      // first of equal runs (4.2.3)
           {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},   // single zero field kept (4.2.2)
           {"2001:0db8::0001", "2001:db8::1"},                  // no leading zeros (4.1)
           {"2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0"},        // longest run wins (4.2.3)
           {"ff02::1:ff00:1", "ff02::1:ff00:1"},
           {"1:0:0:0:0:0:0:0", "1::"},
           {"0:0:0:0:0:0:0:1", "::1"},
           {"fe80::1.2.3.4", "fe80::102:304"},                  // embedded v4 input
           {"::ffff:10.1.2.3", "10.1.2.3"},                      // v4-mapped is IPv4 here
       }) {
    auto a = IpAddr::parse(c.in);
    ASSERT_TRUE(a) << c.in;
    EXPECT_EQ(a->to_string(), c.out) << c.in;
    EXPECT_EQ(IpAddr::parse(a->to_string()), a) << c.in;  // round trip
  }
}

TEST(MacAddrText, ParseAndFormat) {
  auto m = MacAddr::parse("01:00:5E:7f:00:01");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->to_string(), "01:00:5e:7f:00:01");
  EXPECT_TRUE(m->is_multicast());
  EXPECT_FALSE(m->is_broadcast());
  EXPECT_EQ(MacAddr::parse("02-00-00-00-00-01")->to_string(), "02:00:00:00:00:01");
  for (const char* s : {"", "01:00:5e:00:00", "01:00:5e:00:00:001", "01:00-5e:00:00:01",
                        "0g:00:5e:00:00:01", "01:00:5e:00:00:01:"}) {
    EXPECT_FALSE(MacAddr::parse(s)) << s;
  }
  EXPECT_TRUE(MacAddr::broadcast().is_broadcast());
  EXPECT_TRUE(MacAddr{}.is_zero());
}

TEST(MulticastMac, Rfc1112And2464Mapping) {
  EXPECT_EQ(multicast_mac(ip("224.1.2.3")).to_string(), "01:00:5e:01:02:03");
  EXPECT_EQ(multicast_mac(ip("239.129.2.3")).to_string(), "01:00:5e:01:02:03");  // 32:1 alias
  EXPECT_EQ(multicast_mac(ip("239.255.255.255")).to_string(), "01:00:5e:7f:ff:ff");
  EXPECT_EQ(multicast_mac(ip("ff02::1")).to_string(), "33:33:00:00:00:01");
  EXPECT_EQ(multicast_mac(ip("ff02::1:ff12:3456")).to_string(), "33:33:ff:12:34:56");
}

TEST(Ethernet, ParseUntaggedTaggedAndQinQ) {
  auto f = hex("01 00 5e 01 02 03  02 00 00 00 00 01  08 00  45");
  auto h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->tagged());
  EXPECT_EQ(h->ethertype, ether_type::kIpv4);
  EXPECT_EQ(h->header_len, 14);
  EXPECT_EQ(h->src.to_string(), "02:00:00:00:00:01");

  f = hex("ff ff ff ff ff ff  02 00 00 00 00 01  81 00 b0 64  08 06");  // PCP 5, DEI 1, VID 100
  h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->tag_count, 1);
  EXPECT_EQ(h->outer.pcp, 5);
  EXPECT_TRUE(h->outer.dei);
  EXPECT_EQ(h->outer.vid, 100);
  EXPECT_EQ(h->ethertype, ether_type::kArp);
  EXPECT_EQ(h->header_len, 18);

  f = hex("ff ff ff ff ff ff  02 00 00 00 00 01  81 00 60 00  86 dd");  // priority tag
  h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->priority_tagged());

  f = hex("ff ff ff ff ff ff  02 00 00 00 00 01  88 a8 00 0a  81 00 00 14  08 00");
  h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->tag_count, 2);
  EXPECT_EQ(h->outer.tpid, ether_type::kQinQ);
  EXPECT_EQ(h->outer.vid, 10);
  EXPECT_EQ(h->inner.vid, 20);
  EXPECT_EQ(h->ethertype, ether_type::kIpv4);
  EXPECT_EQ(h->header_len, 22);

  EXPECT_FALSE(parse_ethernet(f.data(), 13));
  EXPECT_FALSE(parse_ethernet(f.data(), 17));  // outer tag cut
  EXPECT_FALSE(parse_ethernet(f.data(), 21));  // inner tag cut
}

TEST(Ethernet, PushPopRewriteTag) {
  const auto untagged = build(UdpDatagram{.src = ip("10.0.0.1"), .dst = ip("239.1.1.1")});
  auto f = untagged;
  ASSERT_TRUE(push_vlan_tag(f, VlanTag{.pcp = 6, .vid = 42}));
  EXPECT_EQ(f.size(), untagged.size() + 4);
  auto h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->outer.vid, 42);
  EXPECT_EQ(h->outer.pcp, 6);
  EXPECT_EQ(h->ethertype, ether_type::kIpv4);
  EXPECT_TRUE(std::equal(untagged.begin() + 12, untagged.end(), f.begin() + 16));

  ASSERT_TRUE(rewrite_vlan_id(f.data(), static_cast<uint32_t>(f.size()), 4000));
  h = parse_ethernet(f.data(), static_cast<uint32_t>(f.size()));
  EXPECT_EQ(h->outer.vid, 4000);
  EXPECT_EQ(h->outer.pcp, 6);  // priority kept

  ASSERT_TRUE(pop_vlan_tag(f));
  EXPECT_EQ(f, untagged);
  EXPECT_FALSE(pop_vlan_tag(f));
  EXPECT_FALSE(rewrite_vlan_id(f.data(), static_cast<uint32_t>(f.size()), 1));

  // Buffer form: refuses when there is no room.
  auto g = untagged;
  EXPECT_EQ(push_vlan_tag(g.data(), static_cast<uint32_t>(g.size()),
                          static_cast<uint32_t>(g.size()), VlanTag{.vid = 1}),
            0u);
}

TEST(Ethernet, BuiltTaggedFrameMatchesPushedTag) {
  const auto msg = IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")};
  auto pushed = build(msg, {.pad_to_minimum = false});
  ASSERT_TRUE(push_vlan_tag(pushed, VlanTag{.vid = 7}));
  EXPECT_EQ(build(msg, {.vlan = VlanTag{.vid = 7}, .pad_to_minimum = false}), pushed);
}

}  // namespace
}  // namespace mcsnoop::net
