#include "mcsnoop/control/query_frame.hpp"

#include "mcsnoop/net/build.hpp"

namespace mcsnoop::control {

namespace {

// Field-for-field the same for IGMP and MLD: the two query structs differ only in type.
template <typename Query>
Query to_wire(const snoop::QueryToSend& q) {
  Query w;
  w.version = q.version;
  w.src = q.src;
  w.group = q.group;
  w.max_resp_ms = q.max_resp_ms;
  w.suppress = q.suppress;
  w.qrv = q.qrv;
  w.qqi_s = q.qqi_s;
  w.sources = q.sources;
  return w;
}

// Frames leave with the sending port's own MAC, as a router's would.
net::FrameOptions from_port(const uint8_t src_mac[6]) {
  net::FrameOptions o;
  o.src_mac = net::MacAddr::from_bytes(src_mac);
  return o;
}

}  // namespace

void build_query_frame(const snoop::QueryToSend& q, const uint8_t src_mac[6], std::vector<uint8_t>& out) {
  const net::FrameOptions o = from_port(src_mac);
  out = q.family == net::Family::V4 ? net::build(to_wire<net::IgmpQuery>(q), o)
                                    : net::build(to_wire<net::MldQuery>(q), o);
}

void build_solicitation_frame(const net::IpAddr& src, const uint8_t src_mac[6], std::vector<uint8_t>& out) {
  out = net::build(net::MrdSolicitation{.src = src}, from_port(src_mac));
}

}  // namespace mcsnoop::control
