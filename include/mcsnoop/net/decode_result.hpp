// Why the decoder did (not) accept a packet: the verdict of the IP header checks shared with the
// frame classifier (frame_classify.hpp) and of the control-message decoders (decode.hpp).
#pragma once

#include <cstdint>

namespace mcsnoop::net {

enum class DecodeResult : uint8_t {
  Ok,
  NotControl,           // not IGMP/MLD/PIM/MRD (e.g. ND, echo, UDP): forward as data
  UnknownType,          // IGMP of an unknown type: flood, learn nothing (RFC 4541 2.1.1(3))
  Truncated,            // a header or message shorter than its fixed part / its length field
  BadIpHeader,          // IP version, IHL or IPv4 options malformed
  BadIpChecksum,        // IPv4 header checksum
  BadLength,            // IPv4 Total Length < IHL*4
  BadExtensionHeader,   // IPv6 extension header chain runs past the payload or is too long
  Fragment,             // IPv4 MF/offset or IPv6 fragment header: cannot be snooped (E30)
  BadChecksum,          // IGMP, ICMPv6 or PIM checksum
  TtlNot1,              // IPv4 TTL != 1
  HopLimitNot1,         // IPv6 Hop Limit != 1
  NotLinkLocalSource,   // MLD/MRD6/PIM6 source not fe80::/10 (:: allowed on MLD reports/queries)
  NotMulticastGroup,    // the group of a v1/v2/MLDv1 message or a group query is not multicast
  BadDestination,       // MRD Advertisement/Termination not to All-Snoopers; PIM not to ALL-PIM-ROUTERS
  QueryBadLength,       // IGMP query of 9-11 bytes or MLD query of 25-27 bytes: ignored (RFC 3376 7.1)
  SourcesBeyondPacket,  // a query's or record's sources (or aux data) run past the message
  RecordsBeyondPacket,  // a report claims more records than it holds
  BadPimVersion,        // PIM version != 2
  BadPimOption,         // a PIM Hello option runs past the message
};
inline constexpr unsigned kDecodeResultCount = 20;

// Stable lower-case names ("bad_checksum", ...) for counters and logs.
const char* to_string(DecodeResult r);

}  // namespace mcsnoop::net
