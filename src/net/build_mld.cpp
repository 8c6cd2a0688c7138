// MLDv1/v2 frames (RFC 2710 3, RFC 3810 5), always behind a hop-by-hop Router Alert.
#include <algorithm>

#include "frame_writer.hpp"
#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/time_code.hpp"

namespace mcsnoop::net {
// Internal linkage, in namespace net: detail::build_frame() finds spec_of(), l4_size() and
// fill() by argument-dependent lookup.

using detail::ByteWriter;
using detail::IpSpec;
using detail::L4Checksum;

static IpSpec mld_spec(const IpAddr& src, const IpAddr& dst) {
  return IpSpec{.src = src, .dst = dst, .proto = ipproto::kIcmpv6, .checksum = L4Checksum::Pseudo};
}

// Type | Code | Checksum | 16-bit field | Reserved | Multicast Address: the MLDv1 message and
// the first 24 bytes of an MLDv2 query.
static void write_mld_common(ByteWriter& w, uint8_t type, uint16_t code_field, const IpAddr& group) {
  w.u8(type);
  w.u8(0);
  w.be16(0);
  w.be16(code_field);
  w.be16(0);
  w.addr(group, Family::V6);
}

// ---- Query ------------------------------------------------------------------------------

static IpSpec spec_of(const MldQuery& m) {
  return mld_spec(m.src, m.dst ? *m.dst : (m.group.is_unspecified() ? addr::kAllNodes6 : m.group));
}
static uint32_t l4_size(const MldQuery& m) {
  if (m.version != Compat::V3) return kMldV1Len;
  return kMldV2QueryMinLen + static_cast<uint32_t>(m.sources.size()) * 16;
}
static void fill(ByteWriter& w, const MldQuery& m) {
  const IpAddr group = m.group.is_unspecified() ? IpAddr() : m.group;
  if (m.version != Compat::V3) {
    // MLDv1 Maximum Response Delay: plain milliseconds, 16 bits.
    write_mld_common(w, icmpv6_type::kMldQuery,
                     static_cast<uint16_t>(std::min<uint32_t>(m.max_resp_ms, 0xffff)), group);
    return;
  }
  write_mld_common(w, icmpv6_type::kMldQuery, encode_mld_mrc(m.max_resp_ms), group);
  const uint8_t qrv = m.qrv > 7 ? 0 : m.qrv;  // RFC 3810 5.1.8
  w.u8(static_cast<uint8_t>((m.suppress ? 0x08 : 0) | qrv));
  w.u8(encode_time_code8(m.qqi_s));
  w.be16(static_cast<uint16_t>(m.sources.size()));
  for (const IpAddr& s : m.sources) w.addr(s, Family::V6);
}

// ---- MLDv1 Report and Done ----------------------------------------------------------------

static IpSpec spec_of(const MldReport& m) { return mld_spec(m.src, m.dst ? *m.dst : m.group); }
static uint32_t l4_size(const MldReport&) { return kMldV1Len; }
static void fill(ByteWriter& w, const MldReport& m) {
  write_mld_common(w, icmpv6_type::kMldV1Report, 0, m.group);
}

static IpSpec spec_of(const MldDone& m) { return mld_spec(m.src, m.dst ? *m.dst : addr::kAllRouters6); }
static uint32_t l4_size(const MldDone&) { return kMldV1Len; }
static void fill(ByteWriter& w, const MldDone& m) {
  write_mld_common(w, icmpv6_type::kMldV1Done, 0, m.group);
}

// ---- MLDv2 Report ---------------------------------------------------------------------------

static IpSpec spec_of(const MldV2Report& m) {
  return mld_spec(m.src, m.dst ? *m.dst : addr::kMldV2Routers);
}
static uint32_t l4_size(const MldV2Report& m) { return detail::report_size(m.records, Family::V6); }
static void fill(ByteWriter& w, const MldV2Report& m) {
  w.u8(icmpv6_type::kMldV2Report);
  w.u8(0);
  w.be16(0);
  w.be16(0);
  w.be16(static_cast<uint16_t>(m.records.size()));
  detail::write_records(w, m.records, Family::V6);
}


std::vector<uint8_t> build(const MldQuery& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const MldReport& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const MldDone& m, const FrameOptions& o) { return detail::build_frame(m, o); }
std::vector<uint8_t> build(const MldV2Report& m, const FrameOptions& o) { return detail::build_frame(m, o); }

uint32_t build_into(std::span<uint8_t> buf, const MldQuery& m, const FrameOptions& o) {
  return detail::build_frame(buf, m, o);
}

}  // namespace mcsnoop::net
