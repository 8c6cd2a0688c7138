// What a person needs to know about one captured Ethernet frame: a one-line description in
// words ("IGMPv2 report 239.1.1.1", "UDP 10.0.0.1 -> 239.1.1.1") and the kind of traffic it is,
// which decides how an IGMP/MLD snooping switch must forward it (delivery_oracle.hpp).
//
// Control messages are read with the switch's own strict decoders (net/decode.hpp); everything
// else is read just deep enough to name it. Malformed frames are described, never rejected.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::tools {

enum class Traffic : uint8_t {
  Query,          // IGMP / MLD query
  Report,         // IGMP / MLD report, leave or done
  RouterSignal,   // PIM hello, MRD advertisement: the sender is a multicast router
  OtherControl,   // other control messages (MRD solicitation/termination, undecodable IGMP/MLD)
  McastData,      // IP multicast to a snoopable group
  LinkLocal,      // IP multicast to 224.0.0.0/24 or ff02::1: never snooped, always flooded
  Broadcast,
  NonIpMulticast,
  Unicast,
  Malformed,      // too short or broken headers: a switch drops it
};

// One group record of a report, reduced to its effect on forwarding: after it, does the sender
// want traffic for `group` (EXCLUDE mode, or INCLUDE with sources) or not (TO_IN/IS_IN of {})?
struct MembershipChange {
  net::IpAddr group;
  bool wants_traffic = false;
};

struct FrameFacts {
  Traffic traffic = Traffic::Unicast;
  net::Family family = net::Family::V4;
  net::MacAddr src_mac;
  net::MacAddr dst_mac;
  net::IpAddr src_ip;                       // when the frame is IP
  net::IpAddr group;                        // McastData / LinkLocal: the IP destination
  std::vector<MembershipChange> changes;    // Report (BLOCK records change nothing here)
  std::string text;                         // one line, no trailing newline
};

FrameFacts read_frame(std::span<const uint8_t> frame);

}  // namespace mcsnoop::tools
