// Builders of complete Ethernet frames: every IGMP/MLD/PIM/MRD message mcsnoop snoops or sends,
// plus UDP multicast data and plain Ethernet frames for tests and traffic generators.
//
// Each message is a struct of parameters whose defaults give a standard-conformant message
// (TTL/Hop Limit 1, Router Alert where the RFC wants it, checksums filled, the destination
// derived from the message type, the destination MAC mapped from the IP destination):
//
//   auto frame = net::build(net::IgmpQuery{.version = net::Compat::V2,
//                                          .src = *net::IpAddr::parse("10.0.0.1")});
//   auto tagged = net::build(net::MldV2Report{.src = ll, .records = {{...}}},
//                            {.vlan = net::VlanTag{.vid = 10}});
//
// FrameOptions adjusts the L2 framing and overrides IP header defaults, which is how tests make
// deliberately non-conformant packets (TTL 2, no Router Alert). Frames are zero-padded to the
// 60-byte Ethernet minimum unless told otherwise.
//
// build() returns a new vector (tests, fuzzers, traffic generators). build_into() writes into a
// caller buffer (an mbuf) and returns the frame length, or 0 (writing nothing) when the buffer is
// too small; it exists only for the frames the switch itself sends: queries, the MRD
// solicitation, and `explain`'s probe datagram. Both are reentrant and thread-safe. Not for the
// data path: they are written for clarity.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "mcsnoop/net/ethernet.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/mcast_msg.hpp"
#include "mcsnoop/net/wire.hpp"

namespace mcsnoop::net {

// A locally administered unicast MAC, used when the caller does not care.
inline constexpr MacAddr kDefaultSourceMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};

struct FrameOptions {
  MacAddr src_mac = kDefaultSourceMac;
  // Default: multicast_mac() of the IP destination, or broadcast when the IP destination is
  // unicast (set it for unicast queries, RFC 3376 4.1.12 allows them).
  std::optional<MacAddr> dst_mac{};
  std::optional<VlanTag> vlan{};          // one 802.1Q (or, with tpid 0x88a8, 802.1ad) tag
  std::optional<uint8_t> ttl{};           // IPv4 TTL / IPv6 Hop Limit; default per message
  std::optional<bool> router_alert{};     // default per message
  bool pad_to_minimum = true;           // zero-pad to 60 bytes (without FCS)
};

// IGMP Query (0x11). The version decides the format: V1 = 8 bytes, MRC 0, no Router Alert;
// V2 = 8 bytes, linear MRT (1..255 tenths); V3 = 12 + 4N bytes, ToS 0xc0 (RFC 3376 4.1).
// An unspecified group makes a General Query, sent to 224.0.0.1; otherwise to the group.
struct IgmpQuery {
  Compat version = Compat::V3;
  IpAddr src = IpAddr::any(Family::V4);     // 0.0.0.0 = proxy query (RFC 4541 2.1.1(4))
  IpAddr group = IpAddr::any(Family::V4);
  std::optional<IpAddr> dst{};
  uint32_t max_resp_ms = 10'000;
  bool suppress = false;                    // S flag (v3)
  uint8_t qrv = 2;                          // v3; values above 7 are sent as 0 (RFC 3376 4.1.6)
  uint32_t qqi_s = 125;                     // v3, encoded as QQIC
  std::vector<IpAddr> sources{};              // v3 group-and-source query
};

// IGMPv1 (0x12, no Router Alert) or IGMPv2 (0x16) Membership Report, sent to the group.
struct IgmpReport {
  Compat version = Compat::V2;              // V1 or V2
  IpAddr src = IpAddr::any(Family::V4);
  IpAddr group = IpAddr::any(Family::V4);
  std::optional<IpAddr> dst{};
};

// IGMPv2 Leave Group (0x17), sent to 224.0.0.2.
struct IgmpLeave {
  IpAddr src = IpAddr::any(Family::V4);
  IpAddr group = IpAddr::any(Family::V4);
  std::optional<IpAddr> dst{};
};

// One IGMPv3 / MLDv2 group record. `type` may hold any wire value (tests use unknown ones);
// `aux_words` 32-bit words of zero auxiliary data follow the sources (senders normally use 0).
struct ReportRecord {
  RecordType type = RecordType::IsExclude;
  IpAddr group{};
  std::vector<IpAddr> sources{};
  uint8_t aux_words = 0;
};

// IGMPv3 Membership Report (0x22), sent to 224.0.0.22.
struct IgmpV3Report {
  IpAddr src = IpAddr::any(Family::V4);
  std::vector<ReportRecord> records{};
  std::optional<IpAddr> dst{};
};

// MLD Query (130): V2 = MLDv1 (24 bytes, delay in ms), V3 = MLDv2 (28 + 16N bytes, 16-bit
// Max Resp Code). An unspecified group makes a General Query, sent to ff02::1.
struct MldQuery {
  Compat version = Compat::V3;
  IpAddr src{};                               // link-local, or :: for a proxy query
  IpAddr group{};
  std::optional<IpAddr> dst{};
  uint32_t max_resp_ms = 10'000;
  bool suppress = false;
  uint8_t qrv = 2;
  uint32_t qqi_s = 125;
  std::vector<IpAddr> sources{};
};

// MLDv1 Report (131), sent to the group.
struct MldReport {
  IpAddr src{};
  IpAddr group{};
  std::optional<IpAddr> dst{};
};

// MLDv1 Done (132), sent to ff02::2.
struct MldDone {
  IpAddr src{};
  IpAddr group{};
  std::optional<IpAddr> dst{};
};

// MLDv2 Report (143), sent to ff02::16.
struct MldV2Report {
  IpAddr src{};
  std::vector<ReportRecord> records{};
  std::optional<IpAddr> dst{};
};

// PIMv2 Hello (RFC 7761 4.9.2) to 224.0.0.13 or ff02::d; the family follows `src`.
struct PimHello {
  IpAddr src{};
  uint16_t holdtime_s = 105;                // option 1
  std::optional<uint32_t> generation_id{};    // option 20
};

// RFC 4286 messages; the family follows `src`. Advertisements and Terminations go to
// All-Snoopers (224.0.0.106 / ff02::6a), Solicitations to All-Routers (224.0.0.2 / ff02::2).
struct MrdAdvertisement {
  IpAddr src{};
  uint8_t interval_s = 20;
  uint16_t query_interval_s = 125;
  uint16_t robustness = 2;
};
struct MrdSolicitation {
  IpAddr src{};
};
struct MrdTermination {
  IpAddr src{};
};

// A UDP datagram (IPv4 or IPv6 after `dst`), e.g. multicast data. The payload is `payload` when
// given, else `payload_len` bytes counting up from 0. The UDP checksum is always filled.
struct UdpDatagram {
  IpAddr src{};
  IpAddr dst{};
  uint16_t src_port = 5000;
  uint16_t dst_port = 5000;
  uint8_t ttl = 64;
  uint32_t payload_len = 64;
  std::vector<uint8_t> payload{};
};

// A non-IP Ethernet frame (unicast, broadcast or multicast MAC), payload counting up from 0.
struct EthernetFrame {
  MacAddr dst = MacAddr::broadcast();
  uint16_t ethertype = ether_type::kLocalExperimental;
  uint32_t payload_len = 46;
};

std::vector<uint8_t> build(const IgmpQuery& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const IgmpReport& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const IgmpLeave& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const IgmpV3Report& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MldQuery& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MldReport& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MldDone& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MldV2Report& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const PimHello& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MrdAdvertisement& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MrdSolicitation& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const MrdTermination& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const UdpDatagram& m, const FrameOptions& o = {});
std::vector<uint8_t> build(const EthernetFrame& m, const FrameOptions& o = {});

// The frames the switch sends (src/control): build() writes through the same code.
uint32_t build_into(std::span<uint8_t> buf, const IgmpQuery& m, const FrameOptions& o = {});
uint32_t build_into(std::span<uint8_t> buf, const MldQuery& m, const FrameOptions& o = {});
uint32_t build_into(std::span<uint8_t> buf, const MrdSolicitation& m, const FrameOptions& o = {});
uint32_t build_into(std::span<uint8_t> buf, const UdpDatagram& m, const FrameOptions& o = {});

}  // namespace mcsnoop::net
