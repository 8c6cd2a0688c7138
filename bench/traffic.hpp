// The frames the benchmarks send and the addresses they use, as plain byte vectors.
//
// Every data frame is 60 bytes (64 on the wire with the FCS, the classic minimum-size frame).
// Sequences are drawn from a fixed seed, so two runs replay exactly the same traffic.
// Not for the data path: everything here allocates. Thread safety: plain functions, reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::bench {

using Frame = std::vector<uint8_t>;

// Group number i (0-based) of a family of groups. Families never overlap, so a case can keep,
// say, its traffic groups and its churn groups apart. The addresses are neither link-local
// (224.0.0/24, always flooded) nor SSM (232/8).
enum class GroupSet : uint8_t {
  Traffic = 0,   // 234.0.0.0 + i
  Churn = 1,     // 235.0.0.0 + i
  Latency = 2,   // 236.0.0.0 + i
};
net::IpAddr group_address(GroupSet set, uint32_t i);

// A locally administered unicast MAC: the host `i` of a role (1 = behind the source port,
// 2 = behind the sinks, 3 = the reporting hosts of the punt path).
net::MacAddr host_mac(uint8_t role, uint32_t i);
// The IPv4 address of the reporting host attached to switch port `port`.
net::IpAddr host_ip(PortId port);

// UDP multicast data for `groups` groups of the Traffic set: `frames` frames in which each group
// appears frames/groups times (the remainder spread over the first groups), shuffled, so the
// table is read in random order. Precondition: frames >= groups >= 1.
// `frame_len`: bytes without the FCS (at least 60, the default).
std::vector<Frame> multicast_stream(uint32_t groups, uint32_t frames, uint64_t seed, uint32_t frame_len = 60);

// The same for the `groups` first groups of `set` in strict rotation (frame i -> group i % groups),
// so each group comes back every `groups` frames (the join-latency case needs that bound).
std::vector<Frame> multicast_rotation(GroupSet set, uint32_t groups, uint32_t frames);

// Non-IP unicast frames from `sources` hosts of role 1 to `destinations` hosts of role 2,
// pairs drawn at random.
std::vector<Frame> unicast_stream(uint32_t sources, uint32_t destinations, uint32_t frames, uint64_t seed);

// IGMPv2 Membership Report and Leave Group for `group`, sent by the host on switch port `port`.
Frame igmp_join(const net::IpAddr& group, PortId port);
Frame igmp_leave(const net::IpAddr& group, PortId port);

// Writes `frames` to a pcap file; false with *err set on an I/O error.
bool write_frames(const std::string& path, const std::vector<Frame>& frames, std::string* err);

}  // namespace mcsnoop::bench
