// decode_classified(): the control lcore's decoder, which takes the worker's classification of a
// punted frame (class, L3/L4 offsets) instead of classifying the frame again. Classify once: the
// IP header checks live in classify_frame() only, and the decoder goes on from its verdict.
#include <gtest/gtest.h>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "test_util.hpp"

namespace mcsnoop::net {
namespace {

using test::Bytes;
using test::hex;
using test::ip;

const IpAddr kLinkLocal6 = IpAddr::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5});

// What the worker hands over with a punted frame.
Classification classification_of(const Bytes& f) {
  const FrameInfo fi = classify_frame(f.data(), static_cast<uint32_t>(f.size()));
  return Classification{fi.cls, fi.l3_offset, fi.l4_offset};
}

DecodeResult decode(const Bytes& f, const Classification& c, McastMessage& m, DecodeNotes* notes = nullptr) {
  return decode_classified(f.data(), static_cast<uint32_t>(f.size()), c, m, notes);
}

TEST(DecodeClassified, DecodesWhatTheStandaloneDecoderDecodes) {
  const Bytes f = build(IgmpV3Report{.src = ip("10.0.0.5"),
                                     .records = {{.type = RecordType::ToExclude, .group = ip("239.1.1.1")}}});
  const Classification c = classification_of(f);
  ASSERT_EQ(c.cls, FrameClass::IgmpControl);
  McastMessage m;
  DecodeNotes notes;
  ASSERT_EQ(decode(f, c, m, &notes), DecodeResult::Ok);
  EXPECT_EQ(m.kind, MsgKind::Report);
  EXPECT_EQ(m.family, Family::V4);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records[0].group, ip("239.1.1.1"));
  EXPECT_TRUE(notes.router_alert) << "the IPv4 options are the decoder's, read once";

  McastMessage standalone;
  ASSERT_EQ(decode_l3(ether_type::kIpv4, f.data() + c.l3_offset, static_cast<uint32_t>(f.size()) - c.l3_offset,
                      standalone),
            DecodeResult::Ok);
  EXPECT_EQ(standalone.records.size(), m.records.size());
  EXPECT_EQ(standalone.src, m.src);
}

// The worker's verdict stands: a header the classifier accepted is not checked again. (The
// bytes changed after the classification only to show that the decoder does not look: on the
// switch the frame reaches the control lcore as the worker saw it.)
TEST(DecodeClassified, DoesNotCheckTheIpHeaderASecondTime) {
  Bytes f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")});
  const Classification c = classification_of(f);
  ASSERT_EQ(c.cls, FrameClass::IgmpControl);
  f[c.l3_offset + 10] ^= 0xff;  // the IPv4 header checksum
  McastMessage m;
  EXPECT_EQ(decode_l3(ether_type::kIpv4, f.data() + c.l3_offset, static_cast<uint32_t>(f.size()) - c.l3_offset, m),
            DecodeResult::BadIpChecksum)
      << "the standalone decoder runs the header checks itself";
  EXPECT_EQ(decode(f, c, m), DecodeResult::Ok) << "decode_classified() trusts the classification";
  EXPECT_EQ(m.kind, MsgKind::Report);
}

// The upper layer is where the classifier's one extension-header walk found it: the decoder
// does not walk the chain again.
TEST(DecodeClassified, TakesTheUpperLayerFromTheClassification) {
  const Bytes f = build(MldV2Report{.src = kLinkLocal6,
                                    .records = {{.type = RecordType::ToExclude, .group = ip("ff05::2")}}});
  Classification c = classification_of(f);
  ASSERT_EQ(c.cls, FrameClass::MldControl);
  EXPECT_EQ(c.l4_offset, 14 + 40 + 8) << "behind the hop-by-hop Router Alert header";
  McastMessage m;
  DecodeNotes notes;
  ASSERT_EQ(decode(f, c, m, &notes), DecodeResult::Ok);
  EXPECT_EQ(m.kind, MsgKind::Report);
  EXPECT_TRUE(notes.router_alert);
  c.l4_offset = static_cast<uint16_t>(c.l4_offset + 8);  // another upper-layer offset: read there
  EXPECT_NE(decode(f, c, m), DecodeResult::Ok);
}

TEST(DecodeClassified, AClassThatIsNotControlIsNotControl) {
  const Bytes f = build(UdpDatagram{.src = ip("10.0.0.5"), .dst = ip("239.1.1.1")});
  const Classification c = classification_of(f);
  ASSERT_EQ(c.cls, FrameClass::McastData4);
  McastMessage m;
  EXPECT_EQ(decode(f, c, m), DecodeResult::NotControl);
}

// The hand-over is bounded like anything else: offsets past the frame never lead to a read
// past it.
TEST(DecodeClassified, OffsetsOutsideTheFrameAreTruncated) {
  const Bytes f = build(IgmpReport{.src = ip("10.0.0.5"), .group = ip("239.1.1.1")});
  const Classification good = classification_of(f);
  McastMessage m;
  Classification c = good;
  c.l4_offset = static_cast<uint16_t>(f.size() + 1);
  EXPECT_EQ(decode(f, c, m), DecodeResult::Truncated);
  c = good;
  c.l3_offset = static_cast<uint16_t>(f.size() - 4);
  EXPECT_EQ(decode(f, c, m), DecodeResult::Truncated);
  c = good;
  c.l4_offset = c.l3_offset;  // no room for the IP header
  EXPECT_EQ(decode(f, c, m), DecodeResult::Truncated);
  const Bytes cut(f.begin(), f.begin() + good.l4_offset + 2);  // Total Length runs past the end
  EXPECT_EQ(decode(cut, good, m), DecodeResult::Truncated);
}

// One extension-header walker for the classifier and the decoder: a hop-by-hop header that
// does not directly follow the IPv6 header (RFC 8200 4.1) breaks the chain for both.
TEST(DecodeClassified, HopByHopAfterAnotherHeaderIsMalformedForClassifierAndDecoder) {
  // fe80::1 -> ff02::16: dest-opts -> hop-by-hop -> ICMPv6 143.
  Bytes f = hex("33 33 00 00 00 16  02 00 00 00 00 01  86 dd");
  const Bytes ip6 = hex(
      "60 00 00 00  00 18 3c 01  fe 80 00 00 00 00 00 00  00 00 00 00 00 00 00 01"
      "ff 02 00 00 00 00 00 00  00 00 00 00 00 00 00 16"
      "00 00 01 04 00 00 00 00   3a 00 05 02 00 00 01 00   8f 00 00 00 00 00 00 00");
  f.insert(f.end(), ip6.begin(), ip6.end());
  EXPECT_EQ(classify_frame(f.data(), static_cast<uint32_t>(f.size())).cls, FrameClass::Malformed);
  McastMessage m;
  EXPECT_EQ(decode_l3(ether_type::kIpv6, f.data() + 14, static_cast<uint32_t>(f.size()) - 14, m),
            DecodeResult::BadExtensionHeader);
}

}  // namespace
}  // namespace mcsnoop::net
