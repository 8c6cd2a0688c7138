#include "delivery_oracle.hpp"

#include <utility>

#include "text.hpp"

namespace mcsnoop::tools {
namespace {

unsigned family_index(net::Family f) { return f == net::Family::V4 ? 0 : 1; }

}  // namespace

DeliveryOracle::DeliveryOracle(std::vector<std::string> port_names, UnregisteredPolicy policy)
    : names_(std::move(port_names)), policy_(policy) {}

std::string DeliveryOracle::names_of(PortMask ports) const {
  std::string out;
  ports.for_each([&](PortId p) {
    if (!out.empty()) out += ' ';
    out += names_[p];
  });
  return out;
}

Expectation DeliveryOracle::for_multicast_data(PortId in, const FrameFacts& f) const {
  const PortMask routers = routers_[family_index(f.family)];
  const auto it = members_.find(f.group);
  const PortMask members = it == members_.end() ? PortMask() : it->second;
  // Said when the model leaves a router port out only because the data came from it.
  const std::string source_note = routers.test(in) ? cat(" (", names_[in], " is the source)") : std::string();

  if (!members.empty()) {
    std::string reason = cat("joined by ", names_of(members));
    const PortMask extra_routers = PortMask(routers.bits() & ~members.bits()).without(in);
    if (!extra_routers.empty()) reason += cat(" + router port ", names_of(extra_routers));
    return {(members | routers).without(in), reason + source_note};
  }
  switch (policy_) {
    case UnregisteredPolicy::Flood:
      return {all_but(in), "nobody joined: unregistered = flood"};
    case UnregisteredPolicy::RouterPorts:
      return {routers.without(in), cat("nobody joined: router ports only", source_note)};
    case UnregisteredPolicy::Drop:
      return {PortMask(), "nobody joined: unregistered = drop"};
  }
  return {};
}

std::optional<Expectation> DeliveryOracle::expect_then_observe(PortId in, const FrameFacts& f) {
  std::optional<Expectation> e;
  switch (f.traffic) {
    case Traffic::Query:
      e = Expectation{all_but(in), "queries are flooded"};
      break;
    case Traffic::Report: {
      const PortMask routers = routers_[family_index(f.family)].without(in);
      e = Expectation{routers, routers.empty() ? "reports go to router ports only (none known)"
                                               : "reports go to router ports only"};
      break;
    }
    case Traffic::McastData:
      e = for_multicast_data(in, f);
      break;
    case Traffic::LinkLocal:
      e = Expectation{all_but(in), f.family == net::Family::V4 ? "224.0.0.0/24 is always flooded"
                                                                : "ff02::1 is always flooded"};
      break;
    case Traffic::Broadcast:
      e = Expectation{all_but(in), "broadcast is flooded"};
      break;
    case Traffic::NonIpMulticast:
      e = Expectation{all_but(in), "non-IP multicast is flooded"};
      break;
    case Traffic::Unicast: {
      const auto it = mac_ports_.find(f.dst_mac);
      if (it == mac_ports_.end()) {
        e = Expectation{all_but(in), "unknown unicast is flooded"};
      } else if (it->second == in) {
        e = Expectation{PortMask(), "destination is on the ingress port"};
      } else {
        e = Expectation{PortMask::of(it->second), cat("destination MAC was learned on ", names_[it->second])};
      }
      break;
    }
    case Traffic::Malformed:
      e = Expectation{PortMask(), "malformed frames are dropped"};
      break;
    case Traffic::RouterSignal:
    case Traffic::OtherControl:
      break;  // forwarding of these is the switch's policy, not something the demo checks
  }
  observe(in, f);
  return e;
}

void DeliveryOracle::observe(PortId in, const FrameFacts& f) {
  if (!f.src_mac.is_multicast() && !f.src_mac.is_zero()) mac_ports_[f.src_mac] = in;
  const unsigned fam = family_index(f.family);
  if (f.traffic == Traffic::Query && !f.src_ip.is_unspecified()) routers_[fam].set(in);
  if (f.traffic == Traffic::RouterSignal) routers_[fam].set(in);
  for (const MembershipChange& c : f.changes) {
    PortMask& m = members_[c.group];
    if (c.wants_traffic) m.set(in);
    else m.reset(in);
  }
}

}  // namespace mcsnoop::tools
