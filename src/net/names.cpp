// Stable names of the net module enums, for counters and logs.
#include <string_view>

#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::net {
namespace {

// The name tables: exhaustive switches (-Wswitch names a missing case), checked against the
// enum counts below so that a value added without its count (or the reverse) does not build.
constexpr const char* name_of(DecodeResult r) {
  switch (r) {
    case DecodeResult::Ok: return "ok";
    case DecodeResult::NotControl: return "not_control";
    case DecodeResult::UnknownType: return "unknown_type";
    case DecodeResult::Truncated: return "truncated";
    case DecodeResult::BadIpHeader: return "bad_ip_header";
    case DecodeResult::BadIpChecksum: return "bad_ip_checksum";
    case DecodeResult::BadLength: return "bad_length";
    case DecodeResult::BadExtensionHeader: return "bad_extension_header";
    case DecodeResult::Fragment: return "fragment";
    case DecodeResult::BadChecksum: return "bad_checksum";
    case DecodeResult::TtlNot1: return "ttl_not_1";
    case DecodeResult::HopLimitNot1: return "hop_limit_not_1";
    case DecodeResult::NotLinkLocalSource: return "not_link_local_source";
    case DecodeResult::NotMulticastGroup: return "not_multicast_group";
    case DecodeResult::BadDestination: return "bad_destination";
    case DecodeResult::QueryBadLength: return "query_bad_length";
    case DecodeResult::SourcesBeyondPacket: return "sources_beyond_packet";
    case DecodeResult::RecordsBeyondPacket: return "records_beyond_packet";
    case DecodeResult::BadPimVersion: return "bad_pim_version";
    case DecodeResult::BadPimOption: return "bad_pim_option";
  }
  return "invalid";
}

constexpr const char* name_of(FrameClass c) {
  switch (c) {
    case FrameClass::Unicast: return "unicast";
    case FrameClass::Broadcast: return "broadcast";
    case FrameClass::NonIpMulticast: return "non_ip_multicast";
    case FrameClass::LinkLocalMulticast: return "link_local_multicast";
    case FrameClass::McastData4: return "mcast_data4";
    case FrameClass::McastData6: return "mcast_data6";
    case FrameClass::IgmpControl: return "igmp_control";
    case FrameClass::MldControl: return "mld_control";
    case FrameClass::MrdControl6: return "mrd_control6";
    case FrameClass::PimControl: return "pim_control";
    case FrameClass::Malformed: return "malformed";
    case FrameClass::Ipv6Reserved: return "ipv6_reserved";
  }
  return "invalid";
}

template <typename E>
constexpr bool count_matches_names(unsigned count) {
  const std::string_view invalid = "invalid";
  return count > 0 && name_of(static_cast<E>(count - 1)) != invalid &&
         name_of(static_cast<E>(count)) == invalid;
}
static_assert(count_matches_names<DecodeResult>(kDecodeResultCount), "kDecodeResultCount vs names");
static_assert(count_matches_names<FrameClass>(kFrameClassCount), "kFrameClassCount vs names");

}  // namespace

const char* to_string(DecodeResult r) { return name_of(r); }
const char* to_string(FrameClass c) { return name_of(c); }

}  // namespace mcsnoop::net
