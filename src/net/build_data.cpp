// Data frames for tests and traffic generators: UDP over IPv4/IPv6 and non-IP Ethernet frames.
#include "frame_writer.hpp"
#include "mcsnoop/net/build.hpp"

namespace mcsnoop::net {
// Internal linkage, in namespace net: detail::build_frame() finds spec_of(), l4_size() and
// fill() by argument-dependent lookup.

using detail::ByteWriter;
using detail::IpSpec;
using detail::L4Checksum;

constexpr uint32_t kUdpHeaderLen = 8;

static uint32_t payload_size(const UdpDatagram& m) {
  return m.payload.empty() ? m.payload_len : static_cast<uint32_t>(m.payload.size());
}

static IpSpec spec_of(const UdpDatagram& m) {
  return IpSpec{.src = m.src,
                .dst = m.dst,
                .proto = ipproto::kUdp,
                .ttl = m.ttl,
                .router_alert = false,
                .checksum = L4Checksum::Udp};
}
static uint32_t l4_size(const UdpDatagram& m) { return kUdpHeaderLen + payload_size(m); }
static void fill(ByteWriter& w, const UdpDatagram& m) {
  w.be16(m.src_port);
  w.be16(m.dst_port);
  w.be16(static_cast<uint16_t>(kUdpHeaderLen + payload_size(m)));
  w.be16(0);  // checksum, filled afterwards
  if (!m.payload.empty()) {
    w.bytes(m.payload.data(), m.payload.size());
  } else {
    for (uint32_t i = 0; i < m.payload_len; ++i) w.u8(static_cast<uint8_t>(i));
  }
}

static uint32_t ethernet_frame_len(const EthernetFrame& m, const FrameOptions& o) {
  uint32_t len = kEthernetHeaderLen + (o.vlan ? kVlanTagLen : 0) + m.payload_len;
  if (o.pad_to_minimum && len < kEthernetMinFrameLen) len = kEthernetMinFrameLen;
  return len;
}

static uint32_t write_ethernet_frame(std::span<uint8_t> buf, const EthernetFrame& m,
                              const FrameOptions& o) {
  const uint32_t len = ethernet_frame_len(m, o);
  if (buf.size() < len) return 0;
  std::memset(buf.data(), 0, len);
  ByteWriter w(buf.data());
  const MacAddr dst = o.dst_mac ? *o.dst_mac : m.dst;
  w.bytes(dst.b.data(), 6);
  w.bytes(o.src_mac.b.data(), 6);
  if (o.vlan) {
    w.be16(o.vlan->tpid);
    w.be16(o.vlan->tci());
  }
  w.be16(m.ethertype);
  for (uint32_t i = 0; i < m.payload_len; ++i) w.u8(static_cast<uint8_t>(i));
  return len;
}


std::vector<uint8_t> build(const UdpDatagram& m, const FrameOptions& o) {
  return detail::build_frame(m, o);
}
uint32_t build_into(std::span<uint8_t> buf, const UdpDatagram& m, const FrameOptions& o) {
  return detail::build_frame(buf, m, o);
}

std::vector<uint8_t> build(const EthernetFrame& m, const FrameOptions& o) {
  std::vector<uint8_t> frame(ethernet_frame_len(m, o));
  write_ethernet_frame(frame, m, o);
  return frame;
}

}  // namespace mcsnoop::net
