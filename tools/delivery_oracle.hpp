// An independent model of where an IGMP/MLD snooping switch (RFC 4541) must send each frame,
// built only from what the ports sent into the switch, in time order. The demo checks the
// switch's real output (its tx pcaps) against it.
//
// The model is deliberately small: one VLAN holding every port, access ports only.
//  * Queries are flooded; reports, leaves and dones go to router ports only (2.1.1(1)).
//  * A port is a router port of a family once it sent a query from a non-zero source, a PIM
//    hello or an MRD advertisement (2.1.1(1), RFC 4286).
//  * Data for 224.0.0.0/24 and ff02::1 is flooded (2.1.2(2), 3).
//  * Other IP multicast goes to the ports whose last report wants the group plus the router
//    ports; a group nobody wants follows the unregistered policy (flood, router-ports or drop).
//  * Broadcast and non-IP multicast flood; unicast goes to the port where the destination MAC
//    was last seen as a source, and floods while it is unknown.
//  * Nothing goes back out of the port it came in on.
// It does not model timers (nothing expires in a demo that lasts seconds) nor source filtering.
//
// Thread safety: one object per thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frame_facts.hpp"
#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::tools {

enum class UnregisteredPolicy : uint8_t { Flood, RouterPorts, Drop };

struct Expectation {
  PortMask ports;      // where copies must appear (and nowhere else)
  std::string reason;  // why, in a few words ("joined by h1", "queries are flooded")
};

class DeliveryOracle {
 public:
  DeliveryOracle(std::vector<std::string> port_names, UnregisteredPolicy policy);

  // The expected egress of `f` arriving on `in` given every frame observed so far, or nullopt
  // when the model has no rule for it (e.g. MRD solicitations); then records what `f` teaches
  // (router ports, memberships, MAC addresses). Call in arrival order.
  std::optional<Expectation> expect_then_observe(PortId in, const FrameFacts& f);

 private:
  PortMask all_but(PortId in) const { return PortMask::all(names_.size()).without(in); }
  std::string names_of(PortMask ports) const;
  Expectation for_multicast_data(PortId in, const FrameFacts& f) const;
  void observe(PortId in, const FrameFacts& f);

  std::vector<std::string> names_;
  UnregisteredPolicy policy_;
  PortMask routers_[2];                        // per family (net::Family as index)
  std::map<net::IpAddr, PortMask> members_;    // ports that want each group
  std::map<net::MacAddr, PortId> mac_ports_;   // where each source MAC was last seen
};

}  // namespace mcsnoop::tools
