// MAC address text forms and 802.1Q tag editing in byte buffers.
#include "mcsnoop/net/ethernet.hpp"

#include "mcsnoop/net/wire.hpp"

#include <cstdio>

namespace mcsnoop::net {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_tag_tpid(uint16_t tpid) { return tpid == ether_type::kVlan || tpid == ether_type::kQinQ; }

}  // namespace

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
  // Exactly six two-digit groups with one consistent separator: "aa:bb:cc:dd:ee:ff".
  if (text.size() != 17) return std::nullopt;
  const char sep = text[2];
  if (sep != ':' && sep != '-') return std::nullopt;
  MacAddr m;
  for (size_t i = 0; i < 6; ++i) {
    const size_t pos = i * 3;
    if (i > 0 && text[pos - 1] != sep) return std::nullopt;
    const int hi = hex_value(text[pos]);
    const int lo = hex_value(text[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    m.b[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return m;
}

std::string MacAddr::to_string() const {
  char out[18];
  std::snprintf(out, sizeof(out), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                b[5]);
  return out;
}

uint32_t push_vlan_tag(uint8_t* frame, uint32_t len, uint32_t capacity, const VlanTag& tag) {
  if (len < kEthernetHeaderLen || capacity < len + kVlanTagLen) return 0;
  // Everything after the MACs moves back by one tag; the tag goes where the EtherType was.
  std::memmove(frame + kEthernetTypeOffset + kVlanTagLen, frame + kEthernetTypeOffset, len - kEthernetTypeOffset);
  store_be16(frame + kEthernetTypeOffset, tag.tpid);
  store_be16(frame + kVlanTciOffset, tag.tci());
  return len + kVlanTagLen;
}

uint32_t pop_vlan_tag(uint8_t* frame, uint32_t len) {
  if (len < kEthernetHeaderLen + kVlanTagLen || !is_tag_tpid(load_be16(frame + kEthernetTypeOffset))) return 0;
  std::memmove(frame + kEthernetTypeOffset, frame + kEthernetTypeOffset + kVlanTagLen,
               len - kEthernetTypeOffset - kVlanTagLen);
  return len - kVlanTagLen;
}

bool rewrite_vlan_id(uint8_t* frame, uint32_t len, VlanId vid) {
  if (len < kEthernetHeaderLen + kVlanTagLen || !is_tag_tpid(load_be16(frame + kEthernetTypeOffset))) return false;
  const uint16_t tci = load_be16(frame + kVlanTciOffset);
  store_be16(frame + kVlanTciOffset, static_cast<uint16_t>((tci & 0xf000) | (vid & 0x0fff)));
  return true;
}

bool push_vlan_tag(std::vector<uint8_t>& frame, const VlanTag& tag) {
  if (frame.size() < kEthernetHeaderLen) return false;
  const auto len = static_cast<uint32_t>(frame.size());
  frame.resize(len + kVlanTagLen);
  return push_vlan_tag(frame.data(), len, len + kVlanTagLen, tag) != 0;
}

bool pop_vlan_tag(std::vector<uint8_t>& frame) {
  const uint32_t n = pop_vlan_tag(frame.data(), static_cast<uint32_t>(frame.size()));
  if (n == 0) return false;
  frame.resize(n);
  return true;
}

}  // namespace mcsnoop::net
