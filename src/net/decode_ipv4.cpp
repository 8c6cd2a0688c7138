// IPv4 control decoding: the IP header checks shared by every message, then IGMP (all versions
// and MRD) or PIM.
#include "mcsnoop/net/decode.hpp"

#include "decode_common.hpp"
#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/checksum.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "mcsnoop/net/time_code.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::net {
namespace {

// Walks the IPv4 options (RFC 791 3.1) and reports whether Router Alert is among them; false
// when an option's length is impossible.
bool scan_ipv4_options(const uint8_t* opt, uint32_t len, bool& router_alert) {
  uint32_t off = 0;
  while (off < len) {
    const uint8_t type = opt[off];
    if (type == kIpv4OptEnd) break;
    if (type == kIpv4OptNop) {
      ++off;
      continue;
    }
    if (off + 2 > len) return false;
    const uint8_t opt_len = opt[off + 1];
    if (opt_len < 2 || off + opt_len > len) return false;
    if (type == kIpv4OptRouterAlert) router_alert = true;
    off += opt_len;
  }
  return true;
}

// IGMPv1/v2 Query, or IGMPv3 Query (RFC 3376 7.1 tells the versions apart by length).
DecodeResult decode_igmp_query(const uint8_t* m, uint32_t len, McastMessage& out) {
  out.kind = MsgKind::Query;
  out.query.group = IpAddr::v4_bytes(m + 4);
  if (!out.query.group.is_unspecified() && !out.query.group.is_multicast()) {
    return DecodeResult::NotMulticastGroup;
  }
  if (len == kIgmpMinLen) {
    if (m[1] == 0) {
      out.compat = Compat::V1;
      out.query.max_resp_ms = 10'000;  // RFC 2236 4 / RFC 3376 7.2.1: a v1 query means 10 s
    } else {
      out.compat = Compat::V2;
      out.query.max_resp_ms = uint32_t{m[1]} * 100;  // linear tenths, never the float code
    }
    return DecodeResult::Ok;
  }
  if (len < kIgmpV3QueryMinLen) return DecodeResult::QueryBadLength;
  out.compat = Compat::V3;
  out.query.max_resp_ms = igmpv3_mrc_to_ms(m[1]);
  return detail::decode_query_tail(m + 8, len - 8, Family::V4, out);
}

// v1 Report, v2 Report and v2 Leave: one v3-style record (RFC 3376 7.3.2). A v2 message longer
// than 8 bytes is read from its first 8 (RFC 2236 2.5); the checksum already covered it all.
DecodeResult decode_igmp_v1v2(uint8_t type, const uint8_t* m, McastMessage& out) {
  const IpAddr group = IpAddr::v4_bytes(m + 4);
  if (!group.is_multicast()) return DecodeResult::NotMulticastGroup;
  out.kind = MsgKind::Report;
  if (type == igmp_type::kV2Leave) {
    out.compat = Compat::V2;
    out.is_leave = true;
    detail::add_compat_record(out, RecordType::ToInclude, group);
  } else {
    out.compat = type == igmp_type::kV1Report ? Compat::V1 : Compat::V2;
    detail::add_compat_record(out, RecordType::IsExclude, group);
  }
  return DecodeResult::Ok;
}

// RFC 4286 2-5: Advertisement (8 bytes) and Termination go to All-Snoopers; Solicitation
// (to All-Routers) is accepted at any destination.
DecodeResult decode_mrd(uint8_t type, const uint8_t* m, uint32_t len, McastMessage& out) {
  out.compat = Compat::V3;
  switch (type) {
    case igmp_type::kMrdAdvertisement:
      if (len < kMrdAdvertisementLen) return DecodeResult::Truncated;
      if (out.dst != addr::kAllSnoopers) return DecodeResult::BadDestination;
      out.kind = MsgKind::MrdAdvertisement;
      out.mrd.adv_interval_s = m[1];
      out.mrd.query_interval_s = load_be16(m + 4);
      out.mrd.robustness = load_be16(m + 6);
      return DecodeResult::Ok;
    case igmp_type::kMrdSolicitation:
      out.kind = MsgKind::MrdSolicitation;
      return DecodeResult::Ok;
    default:
      if (out.dst != addr::kAllSnoopers) return DecodeResult::BadDestination;
      out.kind = MsgKind::MrdTermination;
      return DecodeResult::Ok;
  }
}

DecodeResult decode_igmp(const uint8_t* m, uint32_t len, uint8_t ttl, McastMessage& out,
                         DecodeNotes& notes) {
  if (len < kMrdShortLen) return DecodeResult::Truncated;
  // RFC 2236 2.3 / RFC 3376 4.1.2: the checksum covers the whole IP payload.
  if (!internet_checksum_ok(m, len)) return DecodeResult::BadChecksum;
  const uint8_t type = m[0];
  switch (type) {
    case igmp_type::kQuery:
    case igmp_type::kV1Report:
    case igmp_type::kV2Report:
    case igmp_type::kV2Leave:
    case igmp_type::kV3Report:
      if (len < kIgmpMinLen) return DecodeResult::Truncated;
      break;
    case igmp_type::kMrdAdvertisement:
    case igmp_type::kMrdSolicitation:
    case igmp_type::kMrdTermination:
      break;
    default:
      return DecodeResult::UnknownType;
  }
  if (ttl != 1) return DecodeResult::TtlNot1;
  switch (type) {
    case igmp_type::kQuery:
      return decode_igmp_query(m, len, out);
    case igmp_type::kV3Report: {
      out.kind = MsgKind::Report;
      out.compat = Compat::V3;
      return detail::decode_group_records(m, len, Family::V4, out, notes);
    }
    case igmp_type::kV1Report:
    case igmp_type::kV2Report:
    case igmp_type::kV2Leave:
      return decode_igmp_v1v2(type, m, out);
    default:
      return decode_mrd(type, m, len, out);
  }
}

// The message of an IPv4 packet whose header passed the checks of frame_classify.hpp (by the
// worker's classifier, or by decode_ipv4() itself), options included, and that is no fragment:
// `hlen` header bytes.
DecodeResult decode_ipv4_payload(const uint8_t* ip, uint32_t hlen, McastMessage& out, DecodeNotes& n) {
  out.src = IpAddr::v4_bytes(ip + kIpv4SrcOffset);
  out.dst = IpAddr::v4_bytes(ip + kIpv4DstOffset);
  const uint8_t ttl = ip[kIpv4TtlOffset];
  const uint8_t* payload = ip + hlen;
  // Never the frame length: padding follows. The header checks made Total Length >= hlen.
  const uint32_t payload_len = load_be16(ip + kIpv4TotalLengthOffset) - hlen;

  switch (ip[kIpv4ProtocolOffset]) {
    case ipproto::kIgmp:
      return decode_igmp(payload, payload_len, ttl, out, n);
    case ipproto::kPim:
      if (payload_len < kPimHeaderLen) return DecodeResult::Truncated;
      if (!internet_checksum_ok(payload, payload_len)) return DecodeResult::BadChecksum;
      if (out.dst != addr::kPimRouters) return DecodeResult::BadDestination;
      if (ttl != 1) return DecodeResult::TtlNot1;
      out.compat = Compat::V3;
      return detail::decode_pim(payload, payload_len, out);
    default:
      return DecodeResult::NotControl;
  }
}

}  // namespace

namespace detail {

DecodeResult decode_ipv4_classified(const uint8_t* ip, uint32_t hlen, McastMessage& out, DecodeNotes& n) {
  out.clear();
  out.family = Family::V4;
  n = DecodeNotes{};
  if (!scan_ipv4_options(ip + kIpv4MinHeaderLen, hlen - kIpv4MinHeaderLen, n.router_alert)) {
    return DecodeResult::BadIpHeader;
  }
  return decode_ipv4_payload(ip, hlen, out, n);
}

}  // namespace detail

DecodeResult decode_ipv4(const uint8_t* ip, uint32_t len_available, McastMessage& out,
                         DecodeNotes* notes) {
  out.clear();
  out.family = Family::V4;
  DecodeNotes local;
  DecodeNotes& n = notes ? *notes : local;
  n = DecodeNotes{};

  uint32_t hlen = 0;
  DecodeResult r = detail::check_ipv4_header(ip, len_available, hlen);
  if (r == DecodeResult::Ok) r = detail::check_ipv4_length_and_sum(ip, hlen, len_available, Ipv4Checksum::Unchecked);
  if (r != DecodeResult::Ok) return r;
  // Options before the fragment test: a broken option makes the header bad, fragment or not.
  if (!scan_ipv4_options(ip + kIpv4MinHeaderLen, hlen - kIpv4MinHeaderLen, n.router_alert)) {
    return DecodeResult::BadIpHeader;
  }
  if (detail::ipv4_is_fragment(ip)) return DecodeResult::Fragment;
  return decode_ipv4_payload(ip, hlen, out, n);
}

DecodeResult decode_l3(uint16_t ethertype, const uint8_t* ip, uint32_t len_available,
                       McastMessage& out, DecodeNotes* notes) {
  constexpr uint16_t kIpv4 = 0x0800;
  constexpr uint16_t kIpv6 = 0x86dd;
  if (ethertype == kIpv4) return decode_ipv4(ip, len_available, out, notes);
  if (ethertype == kIpv6) return decode_ipv6(ip, len_available, out, notes);
  out.clear();
  return DecodeResult::NotControl;
}

}  // namespace mcsnoop::net
