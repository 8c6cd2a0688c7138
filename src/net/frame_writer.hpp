// The frame assembly behind build.hpp: L2 header, optional tag, IPv4 (with Router Alert) or
// IPv6 (with a hop-by-hop Router Alert) header, the message body, its checksum and padding.
// Private to src/net.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/byte_order.hpp"

namespace mcsnoop::net::detail {

enum class L4Checksum : uint8_t {
  Plain,   // RFC 1071 over the message, field at offset 2 (IGMP, PIM over IPv4)
  Pseudo,  // with the pseudo-header, field at offset 2 (ICMPv6, PIM over IPv6)
  Udp,     // with the pseudo-header, field at offset 6; 0 is sent as 0xffff (RFC 768)
};

struct IpSpec {
  IpAddr src;
  IpAddr dst;
  uint8_t proto = 0;          // the upper layer (IPv6: after the hop-by-hop header)
  uint8_t ttl = 1;
  uint8_t tos = 0;
  bool router_alert = true;
  L4Checksum checksum = L4Checksum::Plain;
};

struct FrameLayout {
  uint32_t l2_len = 0;        // MACs, tag, EtherType
  uint32_t l3_len = 0;        // IP header incl. RA option / hop-by-hop header
  uint32_t l4_len = 0;
  uint32_t frame_len = 0;     // after padding
};

// Applies the FrameOptions overrides to a message's defaults.
IpSpec resolve(IpSpec spec, const FrameOptions& o);
FrameLayout layout(const FrameOptions& o, const IpSpec& spec, uint32_t l4_len);
// Writes everything up to the upper layer into a zeroed frame; returns where the message goes.
uint8_t* write_headers(uint8_t* frame, const FrameLayout& lay, const FrameOptions& o,
                       const IpSpec& spec);
// Fills the upper-layer checksum once the message is in place.
void write_l4_checksum(uint8_t* l4, const FrameLayout& lay, const IpSpec& spec);

// Sequential big-endian writer over a buffer the layout already sized.
class ByteWriter {
 public:
  explicit ByteWriter(uint8_t* p) : p_(p) {}
  void u8(uint8_t v) { *p_++ = v; }
  void be16(uint16_t v) { store_be16(p_, v); p_ += 2; }
  void be32(uint32_t v) { store_be32(p_, v); p_ += 4; }
  void addr(const IpAddr& a, Family f) {
    if (f == Family::V4) {
      std::memcpy(p_, a.v4_ptr(), 4);
      p_ += 4;
    } else {
      std::memcpy(p_, a.bytes().data(), 16);
      p_ += 16;
    }
  }
  void bytes(const uint8_t* src, size_t n) { std::memcpy(p_, src, n); p_ += n; }
  void zeros(size_t n) { std::memset(p_, 0, n); p_ += n; }

 private:
  uint8_t* p_;
};

// IGMPv3 / MLDv2 reports: size of header + records, and the records themselves (same layout,
// RFC 3376 4.2 / RFC 3810 5.2).
uint32_t report_size(const std::vector<ReportRecord>& records, Family f);
void write_records(ByteWriter& w, const std::vector<ReportRecord>& records, Family f);

template <typename Fill>
uint32_t emit(std::span<uint8_t> buf, const FrameOptions& o, const IpSpec& message_spec,
              uint32_t l4_len, Fill&& fill) {
  const IpSpec spec = resolve(message_spec, o);
  const FrameLayout lay = layout(o, spec, l4_len);
  if (buf.size() < lay.frame_len) return 0;
  std::memset(buf.data(), 0, lay.frame_len);
  uint8_t* l4 = write_headers(buf.data(), lay, o, spec);
  ByteWriter w(l4);
  fill(w);
  write_l4_checksum(l4, lay, spec);
  return lay.frame_len;
}

// The frame builder behind every build() / build_into() overload. A message type's builder file
// (build_igmp.cpp, build_mld.cpp, build_router.cpp) defines three overloads for it in namespace
// net, with internal linkage (`static`), which argument-dependent lookup finds here:
//   IpSpec spec_of(const Msg&)              the IP header the message wants
//   uint32_t l4_size(const Msg&)            its length
//   void fill(ByteWriter&, const Msg&)      its bytes, checksum field zero
template <typename Msg>
uint32_t build_frame(std::span<uint8_t> buf, const Msg& m, const FrameOptions& o) {
  return emit(buf, o, spec_of(m), l4_size(m), [&m](ByteWriter& w) { fill(w, m); });
}

template <typename Msg>
std::vector<uint8_t> build_frame(const Msg& m, const FrameOptions& o) {
  const IpSpec spec = spec_of(m);
  std::vector<uint8_t> frame(layout(o, resolve(spec, o), l4_size(m)).frame_len);
  build_frame(frame, m, o);
  return frame;
}

}  // namespace mcsnoop::net::detail
