// IGMPv1/v2/v3 frames (RFC 1112 App. I, RFC 2236 2, RFC 3376 4).
#include <algorithm>

#include "frame_writer.hpp"
#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/time_code.hpp"

namespace mcsnoop::net {
// Internal linkage, in namespace net: detail::build_frame() finds spec_of(), l4_size() and
// fill() by argument-dependent lookup.

using detail::ByteWriter;
using detail::IpSpec;

constexpr uint8_t kTosInternetworkControl = 0xc0;  // RFC 3376 4: IGMPv3 uses ToS 0xc0

// ---- Query ------------------------------------------------------------------------------

static IpSpec spec_of(const IgmpQuery& m) {
  const IpAddr dst = m.dst ? *m.dst : (m.group.is_unspecified() ? addr::kAllSystems : m.group);
  return IpSpec{.src = m.src,
                .dst = dst,
                .proto = ipproto::kIgmp,
                .ttl = 1,
                .tos = m.version == Compat::V3 ? kTosInternetworkControl : uint8_t{0},
                .router_alert = m.version != Compat::V1};
}

static uint32_t l4_size(const IgmpQuery& m) {
  if (m.version != Compat::V3) return kIgmpMinLen;
  return kIgmpV3QueryMinLen + static_cast<uint32_t>(m.sources.size()) * 4;
}

static uint8_t v2_max_resp_time(uint32_t ms) {
  // Linear tenths; 0 would turn the query into a v1 query (RFC 2236 4), so 1..255.
  return static_cast<uint8_t>(std::clamp<uint32_t>(ms / 100, 1, 255));
}

static void fill(ByteWriter& w, const IgmpQuery& m) {
  w.u8(igmp_type::kQuery);
  switch (m.version) {
    case Compat::V1: w.u8(0); break;
    case Compat::V2: w.u8(v2_max_resp_time(m.max_resp_ms)); break;
    case Compat::V3: w.u8(igmpv3_mrc_from_ms(m.max_resp_ms)); break;
  }
  w.be16(0);  // checksum
  w.addr(m.group, Family::V4);
  if (m.version != Compat::V3) return;
  const uint8_t qrv = m.qrv > 7 ? 0 : m.qrv;  // RFC 3376 4.1.6
  w.u8(static_cast<uint8_t>((m.suppress ? 0x08 : 0) | qrv));  // Resv bits zero (RFC 4541 2.1.1(3))
  w.u8(encode_time_code8(m.qqi_s));
  w.be16(static_cast<uint16_t>(m.sources.size()));
  for (const IpAddr& s : m.sources) w.addr(s, Family::V4);
}

// ---- v1/v2 Report and Leave -------------------------------------------------------------

static IpSpec spec_of(const IgmpReport& m) {
  return IpSpec{.src = m.src,
                .dst = m.dst ? *m.dst : m.group,
                .proto = ipproto::kIgmp,
                .router_alert = m.version != Compat::V1};  // RFC 2236 2: v2 adds Router Alert
}
static uint32_t l4_size(const IgmpReport&) { return kIgmpMinLen; }
static void fill(ByteWriter& w, const IgmpReport& m) {
  w.u8(m.version == Compat::V1 ? igmp_type::kV1Report : igmp_type::kV2Report);
  w.u8(0);
  w.be16(0);
  w.addr(m.group, Family::V4);
}

static IpSpec spec_of(const IgmpLeave& m) {
  return IpSpec{.src = m.src, .dst = m.dst ? *m.dst : addr::kAllRouters, .proto = ipproto::kIgmp};
}
static uint32_t l4_size(const IgmpLeave&) { return kIgmpMinLen; }
static void fill(ByteWriter& w, const IgmpLeave& m) {
  w.u8(igmp_type::kV2Leave);
  w.u8(0);
  w.be16(0);
  w.addr(m.group, Family::V4);
}

// ---- v3 Report ----------------------------------------------------------------------------

static IpSpec spec_of(const IgmpV3Report& m) {
  return IpSpec{.src = m.src,
                .dst = m.dst ? *m.dst : addr::kIgmpV3Routers,
                .proto = ipproto::kIgmp,
                .tos = kTosInternetworkControl};
}
static uint32_t l4_size(const IgmpV3Report& m) { return detail::report_size(m.records, Family::V4); }
static void fill(ByteWriter& w, const IgmpV3Report& m) {
  w.u8(igmp_type::kV3Report);
  w.u8(0);
  w.be16(0);
  w.be16(0);
  w.be16(static_cast<uint16_t>(m.records.size()));
  detail::write_records(w, m.records, Family::V4);
}


std::vector<uint8_t> build(const IgmpQuery& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const IgmpReport& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const IgmpLeave& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const IgmpV3Report& m, const FrameOptions& o) { return detail::build_frame(m, o); }

uint32_t build_into(std::span<uint8_t> buf, const IgmpQuery& m, const FrameOptions& o) {
  return detail::build_frame(buf, m, o);
}

}  // namespace mcsnoop::net
