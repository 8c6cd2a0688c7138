#include "mcsnoop/control/query_frame.hpp"

#include <array>
#include <limits>

#include "mcsnoop/net/build.hpp"

namespace mcsnoop::control {

namespace {

// Field-for-field the same for IGMP and MLD: the two query structs differ only in type.
// Sources are the caller's: [first, first + count) of q's.
template <typename Query>
Query to_wire(const snoop::QueryToSend& q, size_t first, size_t count) {
  Query w;
  w.version = q.version;
  w.src = q.src;
  w.group = q.group;
  w.max_resp_ms = q.max_resp_ms;
  w.suppress = q.suppress;
  w.qrv = q.qrv;
  w.qqi_s = q.qqi_s;
  w.sources.assign(q.sources.begin() + static_cast<std::ptrdiff_t>(first),
                   q.sources.begin() + static_cast<std::ptrdiff_t>(first + count));
  return w;
}

// Frames leave with the sending port's own MAC, as a router's would.
net::FrameOptions from_port(const uint8_t src_mac[6]) {
  net::FrameOptions o;
  o.src_mac = net::MacAddr::from_bytes(src_mac);
  return o;
}

bool carries_sources(const snoop::QueryToSend& q) { return q.version == net::Compat::V3; }

// Length of q's frame with `n` copies of its group as sources (the size, not the content, is
// what matters): measured with the real builder, so it stays right if the framing changes.
uint32_t frame_length_with(const snoop::QueryToSend& q, size_t n) {
  snoop::QueryToSend probe = q;
  probe.sources.assign(n, q.group);
  std::array<uint8_t, 4096> buf;
  return build_query_frame_into(buf, probe, 0, n, net::kDefaultSourceMac.b.data());
}

}  // namespace

size_t query_sources_per_frame(const snoop::QueryToSend& q, uint32_t max_frame) {
  const uint32_t empty = frame_length_with(q, 0);
  if (empty == 0 || empty > max_frame) return 0;
  if (!carries_sources(q) || q.sources.empty()) return std::numeric_limits<size_t>::max();
  // Eight sources take the frame past the 60-byte minimum in both families, so the header
  // length is exact there (a shorter frame may be padded).
  constexpr size_t kProbe = 8;
  const size_t addr = q.family == net::Family::V4 ? 4 : 16;
  const uint32_t header = frame_length_with(q, kProbe) - static_cast<uint32_t>(kProbe * addr);
  if (header > max_frame) return 0;
  return (max_frame - header) / addr;
}

uint32_t build_query_frame_into(std::span<uint8_t> buf, const snoop::QueryToSend& q, size_t first,
                                size_t count, const uint8_t src_mac[6]) {
  if (first > q.sources.size() || count > q.sources.size() - first) return 0;
  const net::FrameOptions o = from_port(src_mac);
  return q.family == net::Family::V4 ? net::build_into(buf, to_wire<net::IgmpQuery>(q, first, count), o)
                                     : net::build_into(buf, to_wire<net::MldQuery>(q, first, count), o);
}

uint32_t build_solicitation_frame_into(std::span<uint8_t> buf, const net::IpAddr& src, const uint8_t src_mac[6]) {
  return net::build_into(buf, net::MrdSolicitation{.src = src}, from_port(src_mac));
}

}  // namespace mcsnoop::control
