#include "frame_facts.hpp"

#include <cstdio>

#include "mcsnoop/net/byte_order.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "mcsnoop/net/mcast_msg.hpp"
#include "mcsnoop/net/wire.hpp"
#include "text.hpp"

namespace mcsnoop::tools {
namespace {

using net::Compat;
using net::Family;
using net::FrameClass;
using net::McastMessage;
using net::MsgKind;
using net::RecordType;

constexpr uint32_t kArpLen = 28;  // Ethernet/IPv4 ARP (RFC 826)

std::string protocol_version(const McastMessage& m) {
  if (m.family == Family::V4) return cat("IGMPv", std::to_string(static_cast<int>(m.compat)));
  return m.compat == Compat::V3 ? "MLDv2" : "MLDv1";
}

const char* record_name(RecordType t) {
  switch (t) {
    case RecordType::IsInclude: return "IS_IN";
    case RecordType::IsExclude: return "IS_EX";
    case RecordType::ToInclude: return "TO_IN";
    case RecordType::ToExclude: return "TO_EX";
    case RecordType::AllowNew: return "ALLOW";
    case RecordType::BlockOld: return "BLOCK";
  }
  return "?";
}

std::string address_list(std::span<const net::IpAddr> addrs) {
  std::string out = "{";
  for (size_t i = 0; i < addrs.size(); ++i) {
    if (i) out += ", ";
    out += addrs[i].to_string();
  }
  out += '}';
  return out;
}

std::string describe_query(const McastMessage& m) {
  std::string text = protocol_version(m);
  if (m.query.group.is_unspecified()) {
    text += " general query";
  } else if (m.query_sources().empty()) {
    text += cat(" group query ", m.query.group.to_string());
  } else {
    text += cat(" group-and-source query ", m.query.group.to_string(), " ", address_list(m.query_sources()));
  }
  return cat(text, " from ", m.src.to_string());
}

std::string describe_report(const McastMessage& m) {
  std::string text = protocol_version(m);
  if (m.compat != Compat::V3 && m.records.size() == 1) {
    // v1/v2 and MLDv1 messages name one group; the decoder carried them as one record.
    const char* verb = !m.is_leave ? " report " : m.family == Family::V4 ? " leave " : " done ";
    return text + verb + m.records[0].group.to_string();
  }
  text += " report";
  for (size_t i = 0; i < m.records.size(); ++i) {
    const net::GroupRecord& r = m.records[i];
    text += i ? ", " : " ";
    text += record_name(r.type);
    text += cat("(", r.group.to_string(), ", ", address_list(m.sources_of(r)), ")");
  }
  if (m.records.empty()) text += " (no records)";
  return text;
}

// The forwarding effect of each record (RFC 3376 6.4: a sender that is in EXCLUDE mode, or in
// INCLUDE mode with sources, receives traffic for the group; INCLUDE {} is a leave).
std::vector<MembershipChange> membership_changes(const McastMessage& m) {
  std::vector<MembershipChange> out;
  for (const net::GroupRecord& r : m.records) {
    const bool has_sources = r.src_count != 0;
    switch (r.type) {
      case RecordType::IsExclude:
      case RecordType::ToExclude:
        out.push_back({r.group, true});
        break;
      case RecordType::IsInclude:
      case RecordType::ToInclude:
        out.push_back({r.group, has_sources});
        break;
      case RecordType::AllowNew:
        if (has_sources) out.push_back({r.group, true});
        break;
      case RecordType::BlockOld:
        break;
    }
  }
  return out;
}

void read_control(const uint8_t* frame, uint32_t len, const net::FrameInfo& fi, FrameFacts& f) {
  McastMessage m;
  const net::DecodeResult r = net::decode_l3(fi.ethertype, frame + fi.l3_offset, len - fi.l3_offset, m);
  const char* proto = fi.cls == FrameClass::IgmpControl ? "IGMP"
                      : fi.cls == FrameClass::PimControl ? "PIM"
                      : fi.cls == FrameClass::MrdControl6 ? "MRD"
                                                          : "MLD";
  if (r != net::DecodeResult::Ok) {
    f.traffic = Traffic::OtherControl;
    f.text = cat(proto, " message from ", fi.source.to_string(), " (not decodable: ", net::to_string(r), ")");
    return;
  }
  switch (m.kind) {
    case MsgKind::Query:
      f.traffic = Traffic::Query;
      f.text = describe_query(m);
      return;
    case MsgKind::Report:
      f.traffic = Traffic::Report;
      f.text = describe_report(m);
      f.changes = membership_changes(m);
      return;
    case MsgKind::PimHello:
      f.traffic = Traffic::RouterSignal;
      f.text = cat("PIM hello from ", m.src.to_string());
      return;
    case MsgKind::MrdAdvertisement:
      f.traffic = Traffic::RouterSignal;
      f.text = cat("MRD advertisement from ", m.src.to_string());
      return;
    case MsgKind::MrdSolicitation:
      f.traffic = Traffic::OtherControl;
      f.text = cat("MRD solicitation from ", m.src.to_string());
      return;
    case MsgKind::MrdTermination:
      f.traffic = Traffic::OtherControl;
      f.text = cat("MRD termination from ", m.src.to_string());
      return;
  }
}

// "UDP 10.0.0.1 -> 239.1.1.1", "IPv6 next header 58 fe80::1 -> ff02::1", ...
std::string describe_ip(const uint8_t* ip, uint32_t avail, uint16_t ethertype, FrameFacts& f) {
  uint8_t proto = 0;
  net::IpAddr src, dst;
  if (ethertype == net::ether_type::kIpv4 && avail >= net::kIpv4MinHeaderLen && (ip[0] >> 4) == 4) {
    proto = ip[9];
    src = net::IpAddr::v4_bytes(ip + 12);
    dst = net::IpAddr::v4_bytes(ip + 16);
  } else if (ethertype == net::ether_type::kIpv6 && avail >= net::kIpv6HeaderLen && (ip[0] >> 4) == 6) {
    proto = ip[6];
    src = net::IpAddr::v6_bytes(ip + 8);
    dst = net::IpAddr::v6_bytes(ip + 24);
  } else {
    f.traffic = Traffic::Malformed;
    return ethertype == net::ether_type::kIpv4 ? "IPv4 (broken header)" : "IPv6 (broken header)";
  }
  f.src_ip = src;
  const std::string ends = cat(src.to_string(), " -> ", dst.to_string());
  if (proto == net::ipproto::kUdp) return cat("UDP ", ends);
  if (proto == net::ipproto::kIcmpv6) return cat("ICMPv6 ", ends);
  if (ethertype == net::ether_type::kIpv4) return cat("IPv4 protocol ", std::to_string(proto), " ", ends);
  return cat("IPv6 next header ", std::to_string(proto), " ", ends);
}

std::string describe_arp(const uint8_t* p, uint32_t avail) {
  if (avail < kArpLen) return "ARP (truncated)";
  const uint16_t op = net::load_be16(p + 6);
  const std::string sender = net::IpAddr::v4_bytes(p + 14).to_string();
  const std::string target = net::IpAddr::v4_bytes(p + 24).to_string();
  if (op == 1) return cat("ARP who-has ", target, " tell ", sender);
  if (op == 2) return cat("ARP reply ", sender, " is-at ", net::MacAddr::from_bytes(p + 8).to_string());
  return cat("ARP operation ", std::to_string(op));
}

}  // namespace

FrameFacts read_frame(std::span<const uint8_t> frame) {
  FrameFacts f;
  const auto len = static_cast<uint32_t>(frame.size());
  const auto eth = net::parse_ethernet(frame.data(), len);
  if (!eth) {
    f.traffic = Traffic::Malformed;
    f.text = cat("runt frame (", std::to_string(len), " bytes)");
    return f;
  }
  f.src_mac = eth->src;
  f.dst_mac = eth->dst;
  const net::FrameInfo fi = net::classify_frame(frame.data(), len);
  f.family = fi.ethertype == net::ether_type::kIpv6 ? Family::V6 : Family::V4;
  std::string tag;
  if (eth->tagged()) tag = cat(" [VLAN ", std::to_string(eth->outer.vid), "]");

  switch (fi.cls) {
    case FrameClass::IgmpControl:
    case FrameClass::MldControl:
    case FrameClass::MrdControl6:
    case FrameClass::PimControl:
      read_control(frame.data(), len, fi, f);
      f.src_ip = fi.source;
      f.text += tag;
      return f;
    case FrameClass::Malformed:
    case FrameClass::Ipv6Reserved:
      f.traffic = Traffic::Malformed;
      break;
    case FrameClass::McastData4:
    case FrameClass::McastData6:
      f.traffic = Traffic::McastData;
      f.group = fi.group;
      break;
    case FrameClass::LinkLocalMulticast:
      f.traffic = Traffic::LinkLocal;
      f.group = fi.group;
      break;
    case FrameClass::Broadcast:
      f.traffic = Traffic::Broadcast;
      break;
    case FrameClass::NonIpMulticast:
      f.traffic = Traffic::NonIpMulticast;
      break;
    case FrameClass::Unicast:
      f.traffic = Traffic::Unicast;
      break;
  }

  const uint8_t* l3 = frame.data() + eth->header_len;
  const uint32_t l3_len = len - eth->header_len;
  if (eth->ethertype == net::ether_type::kIpv4 || eth->ethertype == net::ether_type::kIpv6) {
    f.text = describe_ip(l3, l3_len, eth->ethertype, f);
  } else if (eth->ethertype == net::ether_type::kArp) {
    f.text = describe_arp(l3, l3_len);
  } else {
    char type[8];
    std::snprintf(type, sizeof type, "%04x", eth->ethertype);
    f.text = cat("Ethernet type 0x", type, " ", eth->src.to_string(), " -> ", eth->dst.to_string());
  }
  if (f.traffic == Traffic::Broadcast && eth->ethertype != net::ether_type::kArp) f.text += " (broadcast)";
  if (f.traffic == Traffic::Malformed && fi.cls == FrameClass::Ipv6Reserved) f.text += " (reserved scope)";
  else if (f.traffic == Traffic::Malformed) f.text += " (malformed)";
  f.text += tag;
  return f;
}

}  // namespace mcsnoop::tools
