// Pieces shared by the IPv4 and IPv6 decoders. IGMPv3 and MLDv2 use the same layouts apart from
// the address width (RFC 3810 5 mirrors RFC 3376 4), so one implementation serves both.
// Private to src/net.
#pragma once

#include <cstdint>

#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/ip_addr.hpp"
#include "mcsnoop/net/mcast_msg.hpp"

namespace mcsnoop::net::detail {

constexpr uint32_t addr_width(Family f) { return f == Family::V4 ? 4 : 16; }

inline IpAddr load_addr(const uint8_t* p, Family f) {
  return f == Family::V4 ? IpAddr::v4_bytes(p) : IpAddr::v6_bytes(p);
}

// Appends `count` addresses of family `f` from `p` to out.sources.
void append_sources(const uint8_t* p, uint32_t count, Family f, McastMessage& out);

// The group records of an IGMPv3 (0x22) or MLDv2 (143) report; `msg` is the whole message
// (the record count sits at offset 6, records start at offset 8).
DecodeResult decode_group_records(const uint8_t* msg, uint32_t len, Family f, McastMessage& out,
                                  DecodeNotes& notes);

// The part of an IGMPv3 / MLDv2 query after the group address: Resv|S|QRV, QQIC, N, sources.
// `tail` points at the Resv|S|QRV byte; `len` counts the bytes from there to the end.
DecodeResult decode_query_tail(const uint8_t* tail, uint32_t len, Family f, McastMessage& out);

// Records one v1/v2-style membership change as a v3-style record (RFC 3376 7.3.2).
void add_compat_record(McastMessage& out, RecordType type, const IpAddr& group);

// The message of an IPv4 packet whose header the checks of frame_classify.hpp passed and that is
// no fragment (`hlen` header bytes): its options (Router Alert), then IGMP, MRD or PIM.
DecodeResult decode_ipv4_classified(const uint8_t* ip, uint32_t hlen, McastMessage& out, DecodeNotes& notes);

// The message of an IPv6 packet whose header and extension-header chain the checks of
// frame_classify.hpp passed: `end` bytes long, upper layer `proto` at `off` from `ip`. Its
// hop-by-hop options (Router Alert), then MLD, MRD or PIM.
DecodeResult decode_ipv6_classified(const uint8_t* ip, uint32_t end, uint8_t proto, uint32_t off,
                                    McastMessage& out, DecodeNotes& notes);

// A PIMv2 message whose checksum the caller verified. Ok for a Hello (options parsed),
// UnknownType for other PIM types.
DecodeResult decode_pim(const uint8_t* pim, uint32_t len, McastMessage& out);

}  // namespace mcsnoop::net::detail
