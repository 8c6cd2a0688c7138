// Strict decoders of the control messages mcsnoop snoops, from the IP header on, into a
// McastMessage: IGMPv1/v2/v3 (RFC 1112, 2236, 3376), MLDv1/v2 (RFC 2710, 3810), PIMv2 Hello
// (RFC 7761 4.9.2) and Multicast Router Discovery (RFC 4286).
//
// Every check that fails yields a typed DecodeResult; on anything but Ok the message must not
// be learned from (RFC 4541 2.1.1(5)) and its content is unspecified. The caller decides
// forwarding: UnknownType means "flood in the VLAN" (RFC 4541 2.1.1(3)), NotControl means the
// packet was never control traffic (e.g. ND), everything else is a counted drop.
//
// Policies (recorded in docs/, see rfc-checklist E25-E31):
//  * Lengths come from the IP header (IPv4 Total Length - IHL*4; IPv6 Payload Length minus the
//    extension headers), never from the frame, so Ethernet padding is ignored.
//  * A missing Router Alert is accepted (DecodeNotes::router_alert tells). TTL / Hop Limit != 1
//    is an error.
//  * Reports from 0.0.0.0 / :: are accepted (RFC 4541 2.1.1(2), 3). For MLD, the source must be
//    link-local, except :: on reports and on queries (proxy queries, RFC 4541 3 / S30).
//  * Records for non-multicast groups and records of unknown type are skipped (counted in
//    DecodeNotes); anything that runs past the message drops the whole message.
//  * Older versions are mapped onto IGMPv3-style records (RFC 3376 7): a v1/v2/MLDv1 report is
//    one IS_EX({}) record, a v2 Leave / MLDv1 Done one TO_IN({}) record with is_leave set.
//
// Thread safety: the functions are reentrant; `out` and `notes` belong to the caller. Decoding
// into a reused McastMessage allocates only while its vectors grow.
#pragma once

#include <cstdint>

#include "mcsnoop/net/decode_result.hpp"
#include "mcsnoop/net/frame_classify.hpp"
#include "mcsnoop/net/mcast_msg.hpp"

namespace mcsnoop::net {

// Facts about a decoded message that are not errors but deserve a counter.
struct DecodeNotes {
  bool router_alert = false;          // IPv4 RA option / IPv6 hop-by-hop RA present
  uint16_t skipped_unknown_records = 0;  // v3/MLDv2 records of unknown type
  uint16_t skipped_nonmcast_records = 0; // v3/MLDv2 records whose group is not multicast
};

// Decodes the IPv4 packet at `ip` (IGMP or PIM). `len_available` is what the frame holds from
// `ip` on, padding included.
DecodeResult decode_ipv4(const uint8_t* ip, uint32_t len_available, McastMessage& out,
                         DecodeNotes* notes = nullptr);

// Decodes the IPv6 packet at `ip` (MLD, MRD or PIM behind any hop-by-hop / destination /
// routing headers).
DecodeResult decode_ipv6(const uint8_t* ip, uint32_t len_available, McastMessage& out,
                         DecodeNotes* notes = nullptr);

// Where classify_frame() found the layers of a control frame: what the worker hands over with a
// punted frame (dataplane::MbufMeta), so that the control lcore does not classify it again.
struct Classification {
  FrameClass cls = FrameClass::Malformed;  // IgmpControl, MldControl, MrdControl6 or PimControl
  uint16_t l3_offset = 0;                  // FrameInfo::l3_offset
  uint16_t l4_offset = 0;                  // FrameInfo::l4_offset
};

// Decodes the control frame of `len` bytes at `frame` from its classification: the IP header
// checks of classify_frame() (version, lengths, header checksum, extension-header chain, not a
// fragment) are not run again; the decoder goes on from there (IPv4 options / hop-by-hop
// options with Router Alert, TTL / Hop Limit, the message and its checksum). `c` must be
// classify_frame()'s verdict on these bytes; a class that is not control gives NotControl, and
// a packet that would not fit `len` gives Truncated (never a read past the frame).
DecodeResult decode_classified(const uint8_t* frame, uint32_t len, const Classification& c,
                               McastMessage& out, DecodeNotes* notes = nullptr);

// Dispatches on the EtherType (0x0800 / 0x86dd); NotControl for anything else.
DecodeResult decode_l3(uint16_t ethertype, const uint8_t* ip, uint32_t len_available,
                       McastMessage& out, DecodeNotes* notes = nullptr);

}  // namespace mcsnoop::net
