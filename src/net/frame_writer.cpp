#include "frame_writer.hpp"

#include "mcsnoop/net/checksum.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::net::detail {
namespace {

constexpr uint32_t kIpv4RouterAlertLen = 4;  // 94 04 00 00 (RFC 2113)
constexpr uint32_t kHopByHopRaLen = 8;       // NH, len 0, RA (05 02 00 00), PadN (01 00)

}  // namespace

IpSpec resolve(IpSpec spec, const FrameOptions& o) {
  if (o.ttl) spec.ttl = *o.ttl;
  if (o.router_alert) spec.router_alert = *o.router_alert;
  return spec;
}

FrameLayout layout(const FrameOptions& o, const IpSpec& spec, uint32_t l4_len) {
  FrameLayout lay;
  lay.l2_len = kEthernetHeaderLen + (o.vlan ? kVlanTagLen : 0);
  if (spec.dst.is_v4()) {
    lay.l3_len = kIpv4MinHeaderLen + (spec.router_alert ? kIpv4RouterAlertLen : 0);
  } else {
    lay.l3_len = kIpv6HeaderLen + (spec.router_alert ? kHopByHopRaLen : 0);
  }
  lay.l4_len = l4_len;
  lay.frame_len = lay.l2_len + lay.l3_len + l4_len;
  if (o.pad_to_minimum && lay.frame_len < kEthernetMinFrameLen) {
    lay.frame_len = kEthernetMinFrameLen;
  }
  return lay;
}

uint8_t* write_headers(uint8_t* frame, const FrameLayout& lay, const FrameOptions& o,
                       const IpSpec& spec) {
  const bool v4 = spec.dst.is_v4();
  const MacAddr dst_mac =
      o.dst_mac ? *o.dst_mac
                : (spec.dst.is_multicast() ? multicast_mac(spec.dst) : MacAddr::broadcast());
  ByteWriter w(frame);
  w.bytes(dst_mac.b.data(), 6);
  w.bytes(o.src_mac.b.data(), 6);
  if (o.vlan) {
    w.be16(o.vlan->tpid);
    w.be16(o.vlan->tci());
  }
  w.be16(v4 ? ether_type::kIpv4 : ether_type::kIpv6);

  uint8_t* ip = frame + lay.l2_len;
  if (v4) {
    w.u8(static_cast<uint8_t>(0x40 | lay.l3_len / 4));
    w.u8(spec.tos);
    w.be16(static_cast<uint16_t>(lay.l3_len + lay.l4_len));
    w.be16(0);  // identification
    w.be16(0);  // flags and fragment offset
    w.u8(spec.ttl);
    w.u8(spec.proto);
    w.be16(0);  // header checksum, below
    w.addr(spec.src, Family::V4);
    w.addr(spec.dst, Family::V4);
    if (spec.router_alert) w.be32(0x94040000);
    store_be16(ip + kIpv4ChecksumOffset, ipv4_header_checksum(ip, lay.l3_len));
  } else {
    w.be32(uint32_t{6} << 28 | uint32_t{spec.tos} << 20);  // version, traffic class, flow 0
    w.be16(static_cast<uint16_t>(lay.l3_len - kIpv6HeaderLen + lay.l4_len));
    w.u8(spec.router_alert ? ipproto::kHopByHop : spec.proto);
    w.u8(spec.ttl);
    w.addr(spec.src, Family::V6);
    w.addr(spec.dst, Family::V6);
    if (spec.router_alert) {
      w.u8(spec.proto);
      w.u8(0);  // 8 bytes in all
      w.u8(kIpv6OptRouterAlert);
      w.u8(2);
      w.be16(kIpv6RouterAlertMld);
      w.u8(1);  // PadN with no data bytes
      w.u8(0);
    }
  }
  return ip + lay.l3_len;
}

void write_l4_checksum(uint8_t* l4, const FrameLayout& lay, const IpSpec& spec) {
  switch (spec.checksum) {
    case L4Checksum::Plain:
      store_be16(l4 + 2, internet_checksum(l4, lay.l4_len));
      break;
    case L4Checksum::Pseudo:
      store_be16(l4 + 2, internet_checksum(l4, lay.l4_len, pseudo_header_sum(spec.src, spec.dst,
                                                                            lay.l4_len, spec.proto)));
      break;
    case L4Checksum::Udp: {
      uint16_t c = internet_checksum(l4, lay.l4_len,
                                     pseudo_header_sum(spec.src, spec.dst, lay.l4_len, spec.proto));
      store_be16(l4 + 6, c == 0 ? 0xffff : c);
      break;
    }
  }
}

uint32_t report_size(const std::vector<ReportRecord>& records, Family f) {
  const uint32_t w = f == Family::V4 ? 4 : 16;
  uint32_t n = 8;  // report header
  for (const ReportRecord& r : records) {
    n += 4 + w + static_cast<uint32_t>(r.sources.size()) * w + uint32_t{r.aux_words} * 4;
  }
  return n;
}

void write_records(ByteWriter& w, const std::vector<ReportRecord>& records, Family f) {
  for (const ReportRecord& r : records) {
    w.u8(static_cast<uint8_t>(r.type));
    w.u8(r.aux_words);
    w.be16(static_cast<uint16_t>(r.sources.size()));
    w.addr(r.group, f);
    for (const IpAddr& s : r.sources) w.addr(s, f);
    w.zeros(uint32_t{r.aux_words} * 4);
  }
}

}  // namespace mcsnoop::net::detail
