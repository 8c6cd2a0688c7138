#include "decode_common.hpp"

#include <algorithm>
#include <optional>

#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/time_code.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::net::detail {

void append_sources(const uint8_t* p, uint32_t count, Family f, McastMessage& out) {
  const uint32_t w = addr_width(f);
  for (uint32_t i = 0; i < count; ++i) out.sources.push_back(load_addr(p + i * w, f));
}

DecodeResult decode_group_records(const uint8_t* msg, uint32_t len, Family f, McastMessage& out,
                                  DecodeNotes& notes) {
  const uint32_t w = addr_width(f);
  const uint32_t record_header = 4 + w;  // type, aux len, N, multicast address
  const uint32_t count = load_be16(msg + 6);
  uint32_t off = 8;
  out.records.reserve(out.records.size() + std::min(count, len / record_header));
  for (uint32_t i = 0; i < count; ++i) {
    if (off + record_header > len) return DecodeResult::RecordsBeyondPacket;
    const uint8_t* rec = msg + off;
    const uint8_t raw_type = rec[0];
    const uint32_t aux_bytes = uint32_t{rec[1]} * 4;  // Aux Data Len counts 32-bit words
    const uint32_t nsrc = load_be16(rec + 2);
    const uint64_t rec_len = uint64_t{record_header} + uint64_t{nsrc} * w + aux_bytes;
    if (off + rec_len > len) return DecodeResult::SourcesBeyondPacket;
    off += static_cast<uint32_t>(rec_len);

    if (raw_type < static_cast<uint8_t>(RecordType::IsInclude) ||
        raw_type > static_cast<uint8_t>(RecordType::BlockOld)) {
      ++notes.skipped_unknown_records;  // RFC 3376 4.2.12: silently ignore, keep going
      continue;
    }
    const IpAddr group = load_addr(rec + 4, f);
    if (!group.is_multicast()) {
      ++notes.skipped_nonmcast_records;  // E3: ignore that record only
      continue;
    }
    GroupRecord r{static_cast<RecordType>(raw_type), group,
                  static_cast<uint32_t>(out.sources.size()), nsrc};
    append_sources(rec + record_header, nsrc, f, out);
    out.records.push_back(r);
  }
  // Bytes after the last record are covered by the checksum and otherwise ignored.
  return DecodeResult::Ok;
}

DecodeResult decode_query_tail(const uint8_t* tail, uint32_t len, Family f, McastMessage& out) {
  const uint32_t w = addr_width(f);
  out.query.suppress = (tail[0] & 0x08) != 0;
  out.query.qrv = tail[0] & 0x07;
  out.query.qqi_s = decode_time_code8(tail[1]);  // same 8-bit code in IGMPv3 and MLDv2
  const uint32_t nsrc = load_be16(tail + 2);
  if (4 + uint64_t{nsrc} * w > len) return DecodeResult::SourcesBeyondPacket;
  append_sources(tail + 4, nsrc, f, out);
  return DecodeResult::Ok;
}

void add_compat_record(McastMessage& out, RecordType type, const IpAddr& group) {
  out.records.push_back(GroupRecord{type, group, static_cast<uint32_t>(out.sources.size()), 0});
}

DecodeResult decode_pim(const uint8_t* pim, uint32_t len, McastMessage& out) {
  // PIMv2 header: PIM Ver(4) | Type(4) | Reserved | Checksum (RFC 7761 4.9).
  if ((pim[0] >> 4) != 2) return DecodeResult::BadPimVersion;
  if ((pim[0] & 0x0f) != 0) return DecodeResult::UnknownType;  // not a Hello
  out.kind = MsgKind::PimHello;
  out.pim = PimHelloInfo{};
  // Hello options: Type(16) | Length(16) | Value (RFC 7761 4.9.2).
  uint32_t off = kPimHeaderLen;
  while (off < len) {
    if (off + 4 > len) return DecodeResult::BadPimOption;
    const uint16_t type = load_be16(pim + off);
    const uint16_t opt_len = load_be16(pim + off + 2);
    if (off + 4 + uint32_t{opt_len} > len) return DecodeResult::BadPimOption;
    constexpr uint16_t kOptHoldtime = 1;
    if (type == kOptHoldtime && opt_len >= 2) out.pim.holdtime_s = load_be16(pim + off + 4);
    off += 4 + opt_len;
  }
  return DecodeResult::Ok;
}

}  // namespace mcsnoop::net::detail

namespace mcsnoop::net {
namespace {

// The family of a control class's IP header, nullopt for a class that is not control. PIM
// comes in both: its IP version nibble (at `l3`, when inside the frame) says which.
std::optional<Family> control_family(FrameClass cls, const uint8_t* frame, uint32_t l3, uint32_t len) {
  switch (cls) {
    case FrameClass::IgmpControl: return Family::V4;
    case FrameClass::MldControl:
    case FrameClass::MrdControl6: return Family::V6;
    case FrameClass::PimControl: return l3 < len && (frame[l3] >> 4) == 4 ? Family::V4 : Family::V6;
    default: return std::nullopt;
  }
}

}  // namespace

DecodeResult decode_classified(const uint8_t* frame, uint32_t len, const Classification& c,
                               McastMessage& out, DecodeNotes* notes) {
  DecodeNotes local;
  DecodeNotes& n = notes ? *notes : local;
  n = DecodeNotes{};
  // Bounds of the hand-over itself (not header checks): the layers must lie in the frame.
  const uint32_t l3 = c.l3_offset;
  const uint32_t l4 = c.l4_offset;
  const std::optional<Family> family = control_family(c.cls, frame, l3, len);
  if (!family) {
    out.clear();
    return DecodeResult::NotControl;
  }
  const bool v4 = *family == Family::V4;
  const uint8_t* ip = frame + l3;
  const uint32_t fixed = v4 ? kIpv4MinHeaderLen : kIpv6HeaderLen;
  if (l3 + fixed > len || l4 < l3 + fixed || l4 > len) {
    out.clear();
    return DecodeResult::Truncated;
  }
  const uint32_t ip_len = v4 ? load_be16(ip + kIpv4TotalLengthOffset)
                             : kIpv6HeaderLen + load_be16(ip + kIpv6PayloadLengthOffset);
  if (l3 + ip_len > len || l4 - l3 > ip_len) {
    out.clear();
    return DecodeResult::Truncated;
  }
  if (v4) return detail::decode_ipv4_classified(ip, l4 - l3, out, n);
  const uint8_t proto = c.cls == FrameClass::PimControl ? ipproto::kPim : ipproto::kIcmpv6;
  return detail::decode_ipv6_classified(ip, ip_len, proto, l4 - l3, out, n);
}

}  // namespace mcsnoop::net
