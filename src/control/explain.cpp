// `explain` on the control socket: the forwarding decision the data plane makes now for one
// IP multicast frame, and for every port why it gets the frame or not.
//
// The decision is not recomputed from the engine's state: the frame is built (a UDP datagram to
// the group, tagged as it would arrive), classified with net::classify_frame, admitted into a
// VLAN with PortState::ingress_vlan, and decided with dataplane::decide_mcast against the live
// MFT and forwarding state: the functions Worker::rx_burst runs (egress_rules.hpp). The engine
// only supplies the reasons (member in which mode, router port learned by what, ...). Where the
// two disagree (an MFT update refused or in flight) the answer says so.
//
// Control lcore only: it is the MFT's writer, so its lookups need no RCU registration.
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "mcsnoop/control/control_plane.hpp"
#include "mcsnoop/dataplane/egress_rules.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::control {

namespace {

using nlohmann::json;
using dataplane::McastMatch;

[[noreturn]] void refuse(const std::string& what) { throw std::runtime_error("explain: " + what); }

const json* field(const json& req, const char* name) {
  const auto it = req.find(name);
  return it == req.end() || it->is_null() ? nullptr : &*it;
}

std::string string_field(const json& req, const char* name) {
  const json* f = field(req, name);
  if (f == nullptr) refuse(fmt::format("needs \"{}\"", name));
  if (!f->is_string()) refuse(fmt::format("\"{}\" must be a string", name));
  return f->get<std::string>();
}

net::IpAddr address_field(const json& req, const char* name) {
  const std::string text = string_field(req, name);
  const auto a = net::IpAddr::parse(text);
  if (!a) refuse(fmt::format("{} '{}' is not an IPv4 or IPv6 address", name, text));
  return *a;
}

// The request: {port, dst, src?, vlan?}.
struct Question {
  std::string port_name;
  net::IpAddr group;
  std::optional<net::IpAddr> source;
  std::optional<VlanId> vlan;
};

Question parse_question(const json& req) {
  Question q;
  q.port_name = string_field(req, "port");
  q.group = address_field(req, "dst");
  if (!q.group.is_multicast()) refuse(fmt::format("dst {} is not a multicast address", q.group.to_string()));
  if (field(req, "src") != nullptr) {
    q.source = address_field(req, "src");
    if (q.source->family() != q.group.family()) {
      refuse(fmt::format("src {} and dst {} are not of one address family", q.source->to_string(),
                         q.group.to_string()));
    }
    if (q.source->is_multicast()) refuse(fmt::format("src {} is a multicast address", q.source->to_string()));
  }
  if (const json* v = field(req, "vlan")) {
    if (!v->is_number_integer() || v->get<int64_t>() < 1 || v->get<int64_t>() > 4094) {
      refuse("\"vlan\" must be a VLAN id, 1-4094");
    }
    q.vlan = static_cast<VlanId>(v->get<int64_t>());
  }
  return q;
}

const char* family_word(net::Family f) { return f == net::Family::V4 ? "IPv4" : "IPv6"; }
const char* protocol_word(net::Family f) { return f == net::Family::V4 ? "IGMP" : "MLD"; }

const char* policy_name(snoop::UnregisteredPolicy p) {
  switch (p) {
    case snoop::UnregisteredPolicy::Flood: return "flood";
    case snoop::UnregisteredPolicy::RouterPorts: return "router-ports";
    case snoop::UnregisteredPolicy::Drop: break;
  }
  return "drop";
}

// What the classifier made of the frame, for people.
std::string classification_text(net::FrameClass c, net::Family f) {
  using C = net::FrameClass;
  switch (c) {
    case C::McastData4:
    case C::McastData6: return fmt::format("{} multicast data: MFT lookup", family_word(f));
    case C::LinkLocalMulticast:
      return f == net::Family::V4 ? "IPv4 link-local multicast (224.0.0.0/24): flooded in the VLAN, no lookup"
                                  : "IPv6 all-nodes (ff02::1): flooded in the VLAN, no lookup";
    case C::Ipv6Reserved: return "IPv6 multicast of scope 0 or 1 (ff00::/16, ff01::/16): dropped";
    default: break;
  }
  return std::string(net::to_string(c));
}

// Groups whose IGMP/MLD/PIM messages the switch punts to its control plane (a note: the frame
// explained is data, a UDP datagram).
bool is_control_group(const net::IpAddr& g) {
  static constexpr std::array<net::IpAddr, 9> kGroups = {
      net::IpAddr::v4(0xe0000001), net::IpAddr::v4(0xe0000002), net::IpAddr::v4(0xe000000d),
      net::IpAddr::v4(0xe0000016), net::IpAddr::v6_link_scope(0x1), net::IpAddr::v6_link_scope(0x2),
      net::IpAddr::v6_link_scope(0xd), net::IpAddr::v6_link_scope(0x16), net::IpAddr::v6_link_scope(0x6a)};
  for (const net::IpAddr& c : kGroups)
    if (c == g) return true;
  return false;
}

std::string versioned(net::Family f, uint8_t compat) {
  return f == net::Family::V4 ? fmt::format("IGMPv{}", compat) : fmt::format("MLDv{}", compat);
}

std::string router_text(const snoop::PortGroupView& v) {
  if (v.router_static) return "router port (static: multicast_router always)";
  std::string by;
  auto add = [&](bool on, const char* what) {
    if (!on) return;
    if (!by.empty()) by += ", ";
    by += what;
  };
  add(v.router_by_query, "query");
  add(v.router_by_pim, "PIM hello");
  add(v.router_by_mrd, "MRD advertisement");
  if (by.empty()) by = "an expired signal";
  return fmt::format("router port (learned by {}, {} s left)", by, (v.router_expires.count() + 999) / 1000);
}

// The part of a membership that speaks about the frame's source.
std::string member_text(const snoop::PortGroupView& v, net::Family f, const std::optional<net::IpAddr>& src) {
  std::string s = fmt::format("member in {} mode ({}", v.exclude ? "EXCLUDE" : "INCLUDE", versioned(f, v.compat));
  if (v.sources != 0) s += fmt::format(", {} source{}", v.sources, v.sources == 1 ? "" : "s");
  s += ")";
  using Src = snoop::PortGroupView::Source;
  if (!src) {
    if (!v.exclude) s += ": a frame from a source it does not list is not forwarded";
  } else if (v.source == Src::Forwarded) {
    s += fmt::format(", source {} {}", src->to_string(), v.exclude ? "requested" : "listed");
  } else if (v.source == Src::Blocked) {
    s += fmt::format(", blocks source {}", src->to_string());
  } else if (!v.exclude) {
    s += fmt::format(", source {} not listed", src->to_string());
  }
  return s;
}

// Whether the membership by itself puts the port in the entry that matched.
bool member_forwards(const snoop::PortGroupView& v, McastMatch match, bool has_source) {
  using Src = snoop::PortGroupView::Source;
  if (!v.member) return false;
  if (match == McastMatch::AnyGroup) return v.exclude;  // (*,G) holds the EXCLUDE-mode ports
  if (match == McastMatch::SourceGroup && has_source) {
    return v.exclude ? v.source != Src::Blocked : v.source == Src::Forwarded;
  }
  return false;
}

// Why the matched MFT entry holds the port (forwarded) or not, from the engine's state.
std::string entry_reason(const snoop::PortGroupView& v, McastMatch match, net::Family f,
                         const std::optional<net::IpAddr>& src, bool forwarded) {
  std::vector<std::string> in_entry;  // what puts the port into the entry that matched
  if (v.router) in_entry.push_back(router_text(v));
  if (v.static_any) in_entry.push_back("static (*,G) entry");
  if (v.static_source && match == McastMatch::SourceGroup) in_entry.push_back("static (S,G) entry");
  if (member_forwards(v, match, src.has_value())) in_entry.push_back(member_text(v, f, src));
  std::string out;
  for (const std::string& w : in_entry) out += (out.empty() ? "" : "; ") + w;
  if (forwarded) {
    if (out.empty()) {
      return fmt::format("in the {} entry (the engine no longer lists the port: update in flight)",
                         dataplane::to_string(match));
    }
    return out;
  }
  if (!out.empty()) return out + fmt::format(" (but not in the {} entry: update in flight)", dataplane::to_string(match));
  if (v.member) return member_text(v, f, src);
  return v.group_limit_reached ? "no member (the port's max_groups is reached: its joins are refused)" : "no member";
}

// Why the unregistered policy sends the frame to the port or not.
std::string unregistered_reason(const snoop::PortGroupView& v, const snoop::GroupPortsView& gv, net::Family f,
                                bool forwarded) {
  if (!gv.snooped) return fmt::format("{} snooping off in the VLAN: flooded", protocol_word(f));
  const std::string policy = fmt::format("unregistered: {}", policy_name(gv.unregistered));
  if (forwarded) {
    if (v.flood_unregistered) return "flood_unregistered port; " + policy;
    if (gv.unregistered == snoop::UnregisteredPolicy::RouterPorts && v.router) return router_text(v) + "; " + policy;
    return policy;
  }
  std::string s = policy;
  if (gv.unregistered == snoop::UnregisteredPolicy::RouterPorts) s += ", not a router port";
  if (gv.unregistered == snoop::UnregisteredPolicy::Drop && v.router) s += " (router ports included)";
  if (v.member) s += "; " + member_text(v, f, std::nullopt) + " (no MFT entry yet)";
  return s;
}

}  // namespace

json ControlPlane::explain(const json& request) const {
  const Question q = parse_question(request);
  PortId in = 0;
  while (in < port_count() && sw_.ports[in].name != q.port_name) ++in;
  if (in == port_count()) refuse(fmt::format("no port named '{}'", q.port_name));
  const dataplane::ForwardingState& fs = sw_.state;
  const dataplane::PortState& ps = fs.port(in);

  // The VLAN the frame arrives in, as a worker admits it: --vlan is the tag it carries (none:
  // untagged, the access or native VLAN).
  const bool tagged = q.vlan.has_value();
  const VlanId vlan = ps.ingress_vlan(tagged, q.vlan.value_or(0));
  if (vlan == 0 || !fs.vlan(vlan).exists) {
    if (!tagged) refuse(fmt::format("port {} is a trunk without a native VLAN: name the VLAN (\"vlan\", mcsnoopctl --vlan)", q.port_name));
    refuse(fmt::format("port {} does not carry VLAN {}", q.port_name, *q.vlan));
  }
  const dataplane::VlanState& vs = fs.vlan(vlan);

  // The frame, as it would arrive, classified by the workers' classifier.
  const net::Family family = q.group.family();
  net::UdpDatagram udp;
  udp.src = q.source.value_or(net::IpAddr::any(family));
  udp.dst = q.group;
  udp.payload_len = 16;
  net::FrameOptions opt;
  if (tagged) {
    net::VlanTag tag;
    tag.vid = *q.vlan;
    opt.vlan = tag;
  }
  std::array<uint8_t, 256> frame{};
  const uint32_t len = net::build_into(frame, udp, opt);
  const net::FrameInfo fi = net::classify_frame(frame.data(), len);

  json out = {{"port", q.port_name},
              {"vlan", vlan},
              {"dst", q.group.to_string()},
              {"src", q.source ? json(q.source->to_string()) : json(nullptr)},
              {"family", family == net::Family::V4 ? "ipv4" : "ipv6"},
              {"class", net::to_string(fi.cls)},
              {"classification", classification_text(fi.cls, family)}};
  json notes = json::array();
  if (is_control_group(q.group)) {
    notes.push_back(fmt::format("{}/PIM messages to {} are punted to the control plane; this is other traffic to it",
                                protocol_word(family), q.group.to_string()));
  }

  dataplane::McastDecision d;
  bool looked_up = false;
  const PortMask open = ~fs.shut_ports();
  using C = net::FrameClass;
  if (ps.shut.load(std::memory_order_relaxed)) {
    notes.push_back("the ingress port is shut by BPDU guard: nothing it receives is forwarded");
  } else if (fi.cls == C::McastData4 || fi.cls == C::McastData6) {
    d = dataplane::decide_mcast(sw_.mft, fs, vlan, frame.data() + fi.l3_offset, fi.family(), in);
    looked_up = true;
  } else if (fi.cls == C::LinkLocalMulticast) {
    d.decided = vs.members;
    d.egress = dataplane::final_egress(d.decided, vs, open, in);
  }

  const snoop::GroupPortsView gv = engine_.group_ports(vlan, q.group, q.source, snoop::Ms(now_ms_));
  json lookup = json::array();
  if (looked_up) {
    if (d.source_looked_up) lookup.push_back("(S,G)");
    if (!d.source_looked_up || d.match != McastMatch::SourceGroup) lookup.push_back("(*,G)");
    if (d.match == McastMatch::None && gv.group_known) {
      const bool retrying = mft_retry_.contains(mft::Key(vlan, q.group));
      notes.push_back(fmt::format("the engine holds this group but the MFT has no entry for it: the update was "
                                  "refused{} (show stats: mft)", retrying ? " and waits for its retry" : ""));
    }
  }
  // Storm control polices unregistered and link-local multicast (a rate, not a decision).
  if ((fi.cls == C::LinkLocalMulticast || (looked_up && d.match == McastMatch::None)) && ps.storm_on &&
      ps.storm_pps[static_cast<unsigned>(dataplane::StormClass::UnregisteredMulticast)] != 0) {
    notes.push_back("storm control on the ingress port limits unregistered multicast: frames beyond the rate are dropped");
  }
  out["lookup"] = lookup;
  out["match"] = looked_up ? dataplane::to_string(d.match) : "none";
  out["unregistered"] = looked_up && d.match == McastMatch::None
                            ? json(gv.snooped ? policy_name(gv.unregistered) : "flood (not snooped)")
                            : json(nullptr);

  json egress = json::array();
  json ports = json::array();
  for (PortId p = 0; p < port_count(); ++p) {
    const bool fwd = d.egress.test(p);
    if (fwd) egress.push_back(port_name(p));
    std::string reason;
    if (!vs.members.test(p)) {
      reason = fmt::format("not in VLAN {}", vlan);
    } else if (p == in) {
      reason = ps.shut.load(std::memory_order_relaxed) ? "ingress port (shut by BPDU guard)" : "ingress port";
    } else if (!open.test(p)) {
      reason = "shut by BPDU guard";
    } else if (ps.shut.load(std::memory_order_relaxed)) {
      reason = "nothing is forwarded from the ingress port (shut by BPDU guard)";
    } else if (fi.cls == C::LinkLocalMulticast) {
      reason = "VLAN member: link-local multicast is flooded";
    } else if (fi.cls == C::Ipv6Reserved) {
      reason = "dropped: reserved IPv6 multicast scope";
    } else if (!looked_up) {
      reason = fmt::format("not forwarded ({})", net::to_string(fi.cls));
    } else {
      const snoop::PortGroupView none{};
      const snoop::PortGroupView& v = p < gv.ports.size() ? gv.ports[p] : none;
      reason = d.match == McastMatch::None ? unregistered_reason(v, gv, family, fwd)
                                           : entry_reason(v, d.match, family, q.source, fwd);
    }
    json entry = {{"name", port_name(p)}, {"forwarded", fwd}, {"reason", reason}};
    if (fwd) {
      entry["tagged"] = !vs.untagged.test(p);
      if (!fs.port(p).link_up.load(std::memory_order_relaxed)) entry["reason"] = reason + " (link down)";
    }
    ports.push_back(std::move(entry));
  }
  out["egress"] = egress;
  out["ports"] = ports;
  out["notes"] = notes;
  return out;
}

}  // namespace mcsnoop::control
