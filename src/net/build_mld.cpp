// MLDv1/v2 frames (RFC 2710 3, RFC 3810 5), always behind a hop-by-hop Router Alert.
#include <algorithm>

#include "frame_writer.hpp"
#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/time_code.hpp"

namespace mcsnoop::net {
namespace {

using detail::ByteWriter;
using detail::IpSpec;
using detail::L4Checksum;

IpSpec mld_spec(const IpAddr& src, const IpAddr& dst) {
  return IpSpec{.src = src, .dst = dst, .proto = ipproto::kIcmpv6, .checksum = L4Checksum::Pseudo};
}

// Type | Code | Checksum | 16-bit field | Reserved | Multicast Address: the MLDv1 message and
// the first 24 bytes of an MLDv2 query.
void write_mld_common(ByteWriter& w, uint8_t type, uint16_t code_field, const IpAddr& group) {
  w.u8(type);
  w.u8(0);
  w.be16(0);
  w.be16(code_field);
  w.be16(0);
  w.addr(group, Family::V6);
}

// ---- Query ------------------------------------------------------------------------------

IpSpec spec_of(const MldQuery& m) {
  return mld_spec(m.src, m.dst ? *m.dst : (m.group.is_unspecified() ? addr::kAllNodes6 : m.group));
}
uint32_t l4_size(const MldQuery& m) {
  if (m.version != Compat::V3) return kMldV1Len;
  return kMldV2QueryMinLen + static_cast<uint32_t>(m.sources.size()) * 16;
}
void fill(ByteWriter& w, const MldQuery& m) {
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

IpSpec spec_of(const MldReport& m) { return mld_spec(m.src, m.dst ? *m.dst : m.group); }
uint32_t l4_size(const MldReport&) { return kMldV1Len; }
void fill(ByteWriter& w, const MldReport& m) {
  write_mld_common(w, icmpv6_type::kMldV1Report, 0, m.group);
}

IpSpec spec_of(const MldDone& m) { return mld_spec(m.src, m.dst ? *m.dst : addr::kAllRouters6); }
uint32_t l4_size(const MldDone&) { return kMldV1Len; }
void fill(ByteWriter& w, const MldDone& m) {
  write_mld_common(w, icmpv6_type::kMldV1Done, 0, m.group);
}

// ---- MLDv2 Report ---------------------------------------------------------------------------

IpSpec spec_of(const MldV2Report& m) {
  return mld_spec(m.src, m.dst ? *m.dst : addr::kMldV2Routers);
}
uint32_t l4_size(const MldV2Report& m) { return detail::report_size(m.records, Family::V6); }
void fill(ByteWriter& w, const MldV2Report& m) {
  w.u8(icmpv6_type::kMldV2Report);
  w.u8(0);
  w.be16(0);
  w.be16(0);
  w.be16(static_cast<uint16_t>(m.records.size()));
  detail::write_records(w, m.records, Family::V6);
}

template <typename Msg>
std::vector<uint8_t> build_vector(const Msg& m, const FrameOptions& o) {
  return detail::emit_vector(o, spec_of(m), l4_size(m), [&m](ByteWriter& w) { fill(w, m); });
}
template <typename Msg>
uint32_t build_buffer(std::span<uint8_t> buf, const Msg& m, const FrameOptions& o) {
  return detail::emit(buf, o, spec_of(m), l4_size(m), [&m](ByteWriter& w) { fill(w, m); });
}

}  // namespace

std::vector<uint8_t> build(const MldQuery& m, const FrameOptions& o) { return build_vector(m, o); }
std::vector<uint8_t> build(const MldReport& m, const FrameOptions& o) { return build_vector(m, o); }
std::vector<uint8_t> build(const MldDone& m, const FrameOptions& o) { return build_vector(m, o); }
std::vector<uint8_t> build(const MldV2Report& m, const FrameOptions& o) { return build_vector(m, o); }

uint32_t build_into(std::span<uint8_t> buf, const MldQuery& m, const FrameOptions& o) {
  return build_buffer(buf, m, o);
}
uint32_t build_into(std::span<uint8_t> buf, const MldReport& m, const FrameOptions& o) {
  return build_buffer(buf, m, o);
}
uint32_t build_into(std::span<uint8_t> buf, const MldDone& m, const FrameOptions& o) {
  return build_buffer(buf, m, o);
}
uint32_t build_into(std::span<uint8_t> buf, const MldV2Report& m, const FrameOptions& o) {
  return build_buffer(buf, m, o);
}

}  // namespace mcsnoop::net
