// IPv6 control decoding: the header checks and extension-header walk of frame_classify.hpp,
// the hop-by-hop options (Router Alert), then MLDv1/v2 and MRD (ICMPv6) or PIM.
#include "mcsnoop/net/decode.hpp"

#include "decode_common.hpp"
#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/checksum.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "mcsnoop/net/time_code.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::net {
namespace {

// Hop-by-hop options (RFC 8200 4.2): TLVs, Pad1 being a lone zero byte. False when an option
// runs past the header.
bool scan_hbh_options(const uint8_t* opt, uint32_t len, bool& router_alert) {
  uint32_t off = 0;
  while (off < len) {
    if (opt[off] == kIpv6OptPad1) {
      ++off;
      continue;
    }
    if (off + 2 > len) return false;
    const uint32_t opt_len = opt[off + 1];
    if (off + 2 + opt_len > len) return false;
    if (opt[off] == kIpv6OptRouterAlert && opt_len == 2) router_alert = true;
    off += 2 + opt_len;
  }
  return true;
}

bool is_mld_or_mrd(uint8_t type) {
  switch (type) {
    case icmpv6_type::kMldQuery:
    case icmpv6_type::kMldV1Report:
    case icmpv6_type::kMldV1Done:
    case icmpv6_type::kMldV2Report:
    case icmpv6_type::kMrdAdvertisement:
    case icmpv6_type::kMrdSolicitation:
    case icmpv6_type::kMrdTermination:
      return true;
    default:
      return false;
  }
}

// RFC 3810 5.1.14 / 5.2.13: link-local sources only. RFC 4541 3 makes a snooper keep reports
// from :: (DAD, S29), and switches send proxy queries from :: (S30), so those are accepted too;
// a Done or MRD message from :: is not.
bool source_acceptable(uint8_t type, const IpAddr& src) {
  if (src.is_link_local_unicast_v6()) return true;
  const bool may_be_unspecified = type == icmpv6_type::kMldQuery ||
                                  type == icmpv6_type::kMldV1Report ||
                                  type == icmpv6_type::kMldV2Report;
  return may_be_unspecified && src.is_unspecified();
}

// RFC 3810 8.1: 24 bytes = MLDv1, >= 28 bytes = MLDv2, anything else is ignored.
DecodeResult decode_mld_query(const uint8_t* m, uint32_t len, McastMessage& out) {
  if (len < kMldV1Len) return DecodeResult::Truncated;
  out.kind = MsgKind::Query;
  out.query.group = IpAddr::v6_bytes(m + 8);
  if (!out.query.group.is_unspecified() && !out.query.group.is_multicast()) {
    return DecodeResult::NotMulticastGroup;
  }
  const uint16_t code = load_be16(m + 4);
  if (len == kMldV1Len) {
    out.compat = Compat::V2;
    out.query.max_resp_ms = code;  // MLDv1 Maximum Response Delay: plain milliseconds
    return DecodeResult::Ok;
  }
  if (len < kMldV2QueryMinLen) return DecodeResult::QueryBadLength;
  out.compat = Compat::V3;
  out.query.max_resp_ms = decode_mld_mrc(code);
  return detail::decode_query_tail(m + 24, len - 24, Family::V6, out);
}

DecodeResult decode_mld_v1(uint8_t type, const uint8_t* m, uint32_t len, McastMessage& out) {
  if (len < kMldV1Len) return DecodeResult::Truncated;
  const IpAddr group = IpAddr::v6_bytes(m + 8);
  if (!group.is_multicast()) return DecodeResult::NotMulticastGroup;
  out.kind = MsgKind::Report;
  out.compat = Compat::V2;
  if (type == icmpv6_type::kMldV1Done) {
    out.is_leave = true;
    detail::add_compat_record(out, RecordType::ToInclude, group);
  } else {
    detail::add_compat_record(out, RecordType::IsExclude, group);
  }
  return DecodeResult::Ok;
}

DecodeResult decode_mrd6(uint8_t type, const uint8_t* m, uint32_t len, McastMessage& out) {
  out.compat = Compat::V3;
  switch (type) {
    case icmpv6_type::kMrdAdvertisement:
      if (len < kMrdAdvertisementLen) return DecodeResult::Truncated;
      if (out.dst != addr::kAllSnoopers6) return DecodeResult::BadDestination;
      out.kind = MsgKind::MrdAdvertisement;
      out.mrd.adv_interval_s = m[1];
      out.mrd.query_interval_s = load_be16(m + 4);
      out.mrd.robustness = load_be16(m + 6);
      return DecodeResult::Ok;
    case icmpv6_type::kMrdSolicitation:
      out.kind = MsgKind::MrdSolicitation;
      return DecodeResult::Ok;
    default:
      if (out.dst != addr::kAllSnoopers6) return DecodeResult::BadDestination;
      out.kind = MsgKind::MrdTermination;
      return DecodeResult::Ok;
  }
}

DecodeResult decode_icmpv6(const uint8_t* m, uint32_t len, uint8_t hop_limit, McastMessage& out,
                           DecodeNotes& notes) {
  if (len < 4) return DecodeResult::Truncated;
  const uint8_t type = m[0];
  if (!is_mld_or_mrd(type)) return DecodeResult::NotControl;  // ND, echo, ...: data
  if (!icmpv6_checksum_ok(out.src, out.dst, m, len)) return DecodeResult::BadChecksum;
  if (hop_limit != 1) return DecodeResult::HopLimitNot1;
  if (!source_acceptable(type, out.src)) return DecodeResult::NotLinkLocalSource;
  switch (type) {
    case icmpv6_type::kMldQuery:
      return decode_mld_query(m, len, out);
    case icmpv6_type::kMldV1Report:
    case icmpv6_type::kMldV1Done:
      return decode_mld_v1(type, m, len, out);
    case icmpv6_type::kMldV2Report:
      if (len < 8) return DecodeResult::Truncated;
      out.kind = MsgKind::Report;
      out.compat = Compat::V3;
      return detail::decode_group_records(m, len, Family::V6, out, notes);
    default:
      return decode_mrd6(type, m, len, out);
  }
}

DecodeResult decode_pim6(const uint8_t* m, uint32_t len, uint8_t hop_limit, McastMessage& out) {
  if (len < kPimHeaderLen) return DecodeResult::Truncated;
  // RFC 7761 4.9: over IPv6 the PIM checksum includes the pseudo-header (next header 103).
  if (!internet_checksum_ok(m, len, pseudo_header_sum(out.src, out.dst, len, ipproto::kPim))) {
    return DecodeResult::BadChecksum;
  }
  if (out.dst != addr::kPimRouters6) return DecodeResult::BadDestination;
  if (hop_limit != 1) return DecodeResult::HopLimitNot1;
  if (!out.src.is_link_local_unicast_v6()) return DecodeResult::NotLinkLocalSource;
  out.compat = Compat::V3;
  return detail::decode_pim(m, len, out);
}

// The hop-by-hop header, when the packet has one (always directly after the IPv6 header: the
// chain walk refuses it anywhere else), scanned for Router Alert.
DecodeResult scan_hop_by_hop(const uint8_t* ip, DecodeNotes& n) {
  if (ip[kIpv6NextHeaderOffset] != ipproto::kHopByHop) return DecodeResult::Ok;
  const uint8_t* hbh = ip + kIpv6HeaderLen;
  const uint32_t len = (uint32_t{hbh[1]} + 1) * 8;  // inside the packet: the walk checked it
  return scan_hbh_options(hbh + 2, len - 2, n.router_alert) ? DecodeResult::Ok
                                                            : DecodeResult::BadExtensionHeader;
}

// The message of an IPv6 packet whose header and extension-header chain passed the checks of
// frame_classify.hpp: `end` bytes long, its upper layer `proto` at `off`.
DecodeResult decode_ipv6_payload(const uint8_t* ip, uint32_t end, uint8_t proto, uint32_t off,
                                 McastMessage& out, DecodeNotes& n) {
  out.src = IpAddr::v6_bytes(ip + kIpv6SrcOffset);
  out.dst = IpAddr::v6_bytes(ip + kIpv6DstOffset);
  const uint8_t hop_limit = ip[kIpv6HopLimitOffset];
  switch (proto) {
    case ipproto::kIcmpv6:
      return decode_icmpv6(ip + off, end - off, hop_limit, out, n);
    case ipproto::kPim:
      return decode_pim6(ip + off, end - off, hop_limit, out);
    default:
      return DecodeResult::NotControl;
  }
}

}  // namespace

namespace detail {

DecodeResult decode_ipv6_classified(const uint8_t* ip, uint32_t end, uint8_t proto, uint32_t off,
                                    McastMessage& out, DecodeNotes& n) {
  out.clear();
  out.family = Family::V6;
  n = DecodeNotes{};
  const DecodeResult r = scan_hop_by_hop(ip, n);
  if (r != DecodeResult::Ok) return r;
  return decode_ipv6_payload(ip, end, proto, off, out, n);
}

}  // namespace detail

DecodeResult decode_ipv6(const uint8_t* ip, uint32_t len_available, McastMessage& out,
                         DecodeNotes* notes) {
  out.clear();
  out.family = Family::V6;
  DecodeNotes local;
  DecodeNotes& n = notes ? *notes : local;
  n = DecodeNotes{};

  uint32_t end = 0;
  DecodeResult r = detail::check_ipv6_header(ip, len_available);
  if (r == DecodeResult::Ok) r = detail::check_ipv6_length(ip, len_available, end);
  if (r != DecodeResult::Ok) return r;
  const detail::Ipv6Chain chain = detail::walk_ipv6_chain(ip, end);
  if (chain.result == DecodeResult::BadExtensionHeader) return chain.result;
  // The hop-by-hop options before the fragment test: broken options make the chain bad.
  r = scan_hop_by_hop(ip, n);
  if (r != DecodeResult::Ok) return r;
  if (chain.result == DecodeResult::Fragment) return chain.result;
  return decode_ipv6_payload(ip, end, chain.proto, chain.offset, out, n);
}

}  // namespace mcsnoop::net
