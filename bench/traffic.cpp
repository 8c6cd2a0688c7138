#include "traffic.hpp"

#include <algorithm>
#include <random>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/pcap_file.hpp"

namespace mcsnoop::bench {

namespace {

// 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 18 = 60 bytes, 64 with the FCS.
constexpr uint32_t kUdpPayload = 18;
// 14 + 46 = 60 bytes: the non-IP minimum frame.
constexpr uint32_t kEthernetPayload = 46;
// The multicast sender behind the source port (unicast, as RFC 1112 requires of a source).
constexpr uint32_t kSenderIp = 0x0a630001;  // 10.99.0.1

// 14 (Ethernet) + 20 (IPv4) + 8 (UDP): the rest of a frame is UDP payload.
constexpr uint32_t kUdpHeaders = 42;

Frame udp_to(const net::IpAddr& group, uint32_t frame_len = kUdpHeaders + kUdpPayload) {
  net::UdpDatagram u;
  u.src = net::IpAddr::v4(kSenderIp);
  u.dst = group;
  u.payload_len = frame_len > kUdpHeaders + kUdpPayload ? frame_len - kUdpHeaders : kUdpPayload;
  return net::build(u, net::FrameOptions{.src_mac = host_mac(1, 0)});
}

}  // namespace

net::IpAddr group_address(GroupSet set, uint32_t i) {
  const uint32_t base = 0xea000000u + (uint32_t{static_cast<uint8_t>(set)} << 24);  // 234/8, 235/8, 236/8
  return net::IpAddr::v4(base + (i & 0x00ffffffu));
}

net::MacAddr host_mac(uint8_t role, uint32_t i) {
  return net::MacAddr{{0x02, role, static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16),
                       static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)}};
}

net::IpAddr host_ip(PortId port) { return net::IpAddr::v4(0x0a000001u | (uint32_t{port} << 8)); }

std::vector<Frame> multicast_stream(uint32_t groups, uint32_t frames, uint64_t seed, uint32_t frame_len) {
  // One prebuilt frame per group, copied: building 100,000 frames one by one is the slow part.
  std::vector<Frame> per_group(groups);
  for (uint32_t g = 0; g < groups; ++g) per_group[g] = udp_to(group_address(GroupSet::Traffic, g), frame_len);
  std::vector<uint32_t> order(frames);
  for (uint32_t i = 0; i < frames; ++i) order[i] = i % groups;
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<Frame> out;
  out.reserve(frames);
  for (uint32_t g : order) out.push_back(per_group[g]);
  return out;
}

std::vector<Frame> multicast_rotation(GroupSet set, uint32_t groups, uint32_t frames) {
  std::vector<Frame> out;
  out.reserve(frames);
  for (uint32_t i = 0; i < frames; ++i) out.push_back(udp_to(group_address(set, i % groups)));
  return out;
}

std::vector<Frame> unicast_stream(uint32_t sources, uint32_t destinations, uint32_t frames, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> src(0, sources - 1), dst(0, destinations - 1);
  std::vector<Frame> out;
  out.reserve(frames);
  for (uint32_t i = 0; i < frames; ++i) {
    net::EthernetFrame f;
    f.dst = host_mac(2, dst(rng));
    f.payload_len = kEthernetPayload;
    out.push_back(net::build(f, net::FrameOptions{.src_mac = host_mac(1, src(rng))}));
  }
  return out;
}

Frame igmp_join(const net::IpAddr& group, PortId port) {
  return net::build(net::IgmpReport{.version = net::Compat::V2, .src = host_ip(port), .group = group},
                    net::FrameOptions{.src_mac = host_mac(3, port)});
}

Frame igmp_leave(const net::IpAddr& group, PortId port) {
  return net::build(net::IgmpLeave{.src = host_ip(port), .group = group},
                    net::FrameOptions{.src_mac = host_mac(3, port)});
}

bool write_frames(const std::string& path, const std::vector<Frame>& frames, std::string* err) {
  return net::write_pcap(path, frames, err);
}

}  // namespace mcsnoop::bench
