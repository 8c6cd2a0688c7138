// The decoded form of every multicast control message mcsnoop snoops: IGMPv1/v2/v3, MLDv1/v2,
// PIM hello and Multicast Router Discovery. The `net` parsers fill it; the `snoop` engine reads
// it. Both families share one representation (addresses are v4-mapped for IPv4), and older
// versions are already mapped onto IGMPv3-style group records (RFC 3376 section 7), with
// `compat` telling the engine which host version sent them.
//
// A McastMessage is meant to be reused: clear() keeps the capacity of its vectors, so decoding
// a stream of messages into one object allocates only while it grows.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mcsnoop/net/ip_addr.hpp"

namespace mcsnoop::net {

enum class MsgKind : uint8_t {
  Query,            // IGMP 0x11 (v1/v2/v3) / MLD 130 (v1/v2)
  Report,           // IGMP 0x12, 0x16, 0x22, v2 Leave 0x17 / MLD 131, 143, Done 132 (as records)
  PimHello,         // PIMv2 hello to 224.0.0.13 / ff02::d
  MrdAdvertisement, // RFC 4286: IGMP 0x30 / ICMPv6 151
  MrdSolicitation,  // IGMP 0x31 / ICMPv6 152
  MrdTermination,   // IGMP 0x32 / ICMPv6 153
};

// The protocol generation a message belongs to, with MLD folded onto IGMP:
// V1 = IGMPv1; V2 = IGMPv2 or MLDv1; V3 = IGMPv3 or MLDv2.
enum class Compat : uint8_t { V1 = 1, V2 = 2, V3 = 3 };

// RFC 3376 4.2.12 / RFC 3810 5.2.12 record types, with their wire values.
enum class RecordType : uint8_t {
  IsInclude = 1,      // MODE_IS_INCLUDE   (IS_IN)
  IsExclude = 2,      // MODE_IS_EXCLUDE   (IS_EX)
  ToInclude = 3,      // CHANGE_TO_INCLUDE (TO_IN)
  ToExclude = 4,      // CHANGE_TO_EXCLUDE (TO_EX)
  AllowNew = 5,       // ALLOW_NEW_SOURCES (ALLOW)
  BlockOld = 6,       // BLOCK_OLD_SOURCES (BLOCK)
};

struct GroupRecord {
  RecordType type;
  IpAddr group;
  uint32_t src_begin = 0;  // index into McastMessage::sources
  uint32_t src_count = 0;
};

struct QueryInfo {
  IpAddr group;               // unspecified for a general query
  uint32_t max_resp_ms = 0;   // decoded Max Resp Time/Code/Delay; IGMPv1's 0 means 10 s (already applied)
  bool suppress = false;      // S flag (v3/MLDv2 only)
  uint8_t qrv = 0;            // 0 = not given (v1/v2) or zero on the wire
  uint32_t qqi_s = 0;         // decoded QQIC in seconds; 0 = not given
};

struct MrdInfo {
  uint8_t adv_interval_s = 0;  // advertisement only
  uint16_t query_interval_s = 0;
  uint16_t robustness = 0;
};

struct PimHelloInfo {
  uint16_t holdtime_s = 105;   // Holdtime option (type 1) if present, else the RFC 7761 default
};

struct McastMessage {
  MsgKind kind = MsgKind::Report;
  Family family = Family::V4;
  Compat compat = Compat::V3;
  bool is_leave = false;        // an IGMPv2 Leave or MLDv1 Done (carried as one TO_IN({}) record)
  IpAddr src;                   // IP source (may be unspecified: RFC 4541 2.1.1(2), 3)
  IpAddr dst;                   // IP destination
  QueryInfo query;              // kind == Query; query sources are in `sources`
  MrdInfo mrd;                  // kind == Mrd*
  PimHelloInfo pim;             // kind == PimHello
  std::vector<GroupRecord> records;  // kind == Report
  std::vector<IpAddr> sources;       // shared pool for records and query sources

  void clear() {
    kind = MsgKind::Report; compat = Compat::V3; is_leave = false;
    src = dst = IpAddr(); query = QueryInfo(); mrd = MrdInfo(); pim = PimHelloInfo();
    records.clear(); sources.clear();
  }
  std::span<const IpAddr> sources_of(const GroupRecord& r) const {
    return std::span<const IpAddr>(sources).subspan(r.src_begin, r.src_count);
  }
  std::span<const IpAddr> query_sources() const { return sources; }
};

}  // namespace mcsnoop::net
