// Router-presence frames: PIMv2 Hello (RFC 7761 4.9.2) and Multicast Router Discovery
// (RFC 4286). The family of each frame follows its source address.
#include "frame_writer.hpp"
#include "mcsnoop/net/build.hpp"

namespace mcsnoop::net {
// Internal linkage, in namespace net: detail::build_frame() finds spec_of(), l4_size() and
// fill() by argument-dependent lookup.

using detail::ByteWriter;
using detail::IpSpec;
using detail::L4Checksum;

// ---- PIM Hello ------------------------------------------------------------------------------

constexpr uint16_t kPimOptHoldtime = 1;
constexpr uint16_t kPimOptGenerationId = 20;

static IpSpec spec_of(const PimHello& m) {
  const bool v4 = m.src.is_v4();
  // PIM carries no Router Alert; over IPv6 its checksum includes the pseudo-header.
  return IpSpec{.src = m.src,
                .dst = v4 ? addr::kPimRouters : addr::kPimRouters6,
                .proto = ipproto::kPim,
                .router_alert = false,
                .checksum = v4 ? L4Checksum::Plain : L4Checksum::Pseudo};
}
static uint32_t l4_size(const PimHello& m) { return kPimHeaderLen + 6 + (m.generation_id ? 8 : 0); }
static void fill(ByteWriter& w, const PimHello& m) {
  w.u8(0x20);  // version 2, type 0 (Hello)
  w.u8(0);
  w.be16(0);
  w.be16(kPimOptHoldtime);
  w.be16(2);
  w.be16(m.holdtime_s);
  if (m.generation_id) {
    w.be16(kPimOptGenerationId);
    w.be16(4);
    w.be32(*m.generation_id);
  }
}

// ---- MRD --------------------------------------------------------------------------------------

static IpSpec mrd_spec(const IpAddr& src, const IpAddr& dst) {
  const bool v4 = src.is_v4();
  return IpSpec{.src = src,
                .dst = dst,
                .proto = v4 ? ipproto::kIgmp : ipproto::kIcmpv6,
                .checksum = v4 ? L4Checksum::Plain : L4Checksum::Pseudo};
}

static uint8_t mrd_type(bool v4, uint8_t igmp, uint8_t icmpv6) { return v4 ? igmp : icmpv6; }

static IpSpec spec_of(const MrdAdvertisement& m) {
  return mrd_spec(m.src, m.src.is_v4() ? addr::kAllSnoopers : addr::kAllSnoopers6);
}
static uint32_t l4_size(const MrdAdvertisement&) { return kMrdAdvertisementLen; }
static void fill(ByteWriter& w, const MrdAdvertisement& m) {
  w.u8(mrd_type(m.src.is_v4(), igmp_type::kMrdAdvertisement, icmpv6_type::kMrdAdvertisement));
  w.u8(m.interval_s);
  w.be16(0);
  w.be16(m.query_interval_s);
  w.be16(m.robustness);
}

static IpSpec spec_of(const MrdSolicitation& m) {
  return mrd_spec(m.src, m.src.is_v4() ? addr::kAllRouters : addr::kAllRouters6);
}
static uint32_t l4_size(const MrdSolicitation&) { return kMrdShortLen; }
static void fill(ByteWriter& w, const MrdSolicitation& m) {
  w.u8(mrd_type(m.src.is_v4(), igmp_type::kMrdSolicitation, icmpv6_type::kMrdSolicitation));
  w.u8(0);
  w.be16(0);
}

static IpSpec spec_of(const MrdTermination& m) {
  return mrd_spec(m.src, m.src.is_v4() ? addr::kAllSnoopers : addr::kAllSnoopers6);
}
static uint32_t l4_size(const MrdTermination&) { return kMrdShortLen; }
static void fill(ByteWriter& w, const MrdTermination& m) {
  w.u8(mrd_type(m.src.is_v4(), igmp_type::kMrdTermination, icmpv6_type::kMrdTermination));
  w.u8(0);
  w.be16(0);
}


std::vector<uint8_t> build(const PimHello& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const MrdAdvertisement& m, const FrameOptions& o) {
  return detail::build_frame(m, o);
}
std::vector<uint8_t> build(const MrdSolicitation& m, const FrameOptions& o) {
  return detail::build_frame(m, o);
}
std::vector<uint8_t> build(const MrdTermination& m, const FrameOptions& o) {
  return detail::build_frame(m, o);
}

uint32_t build_into(std::span<uint8_t> buf, const MrdSolicitation& m, const FrameOptions& o) {
  return detail::build_frame(buf, m, o);
}

}  // namespace mcsnoop::net
