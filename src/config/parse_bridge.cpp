// The 802.1Q bridge protection keys of a `ports[]` entry: forward_reserved, bpdu, max_macs,
// storm_control (docs/configuration.md; the threats they answer are in docs/security.md).
#include <charconv>
#include <string>

#include "sections.hpp"
#include "text.hpp"

namespace mcsnoop::config::detail {
namespace {

constexpr std::pair<std::string_view, BpduMode> kBpduModes[] = {
    {"flood", BpduMode::Flood}, {"drop", BpduMode::Drop}, {"guard", BpduMode::Guard}};
// Storm control limits: a 100 Gb/s port carries under 150 million minimum-size frames a second.
constexpr int64_t kMaxStormPps = 200'000'000;

// One forward_reserved item: the last byte of 01:80:C2:00:00:xx, decimal or 0x-prefixed hex.
std::optional<uint8_t> read_reserved_byte(const Field& item, Diagnostics& diag) {
  int64_t v = -1;
  if (item.node.IsScalar()) {
    const std::string& s = item.node.Scalar();
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      unsigned hex = 0;
      auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), hex, 16);
      if (ec == std::errc() && end == s.data() + s.size() && hex <= 0xff) v = hex;
    } else if (auto d = read_int(item, diag, 0, 255)) {
      v = *d;
    } else {
      return std::nullopt;  // read_int reported it
    }
  }
  if (v < 0) {
    diag.error(item.line, item.path,
               "expected the last byte of a reserved address 01:80:C2:00:00:02-0F (2-15 or 0x02-0x0f), got " +
                   describe(item.node));
    return std::nullopt;
  }
  if (v == 0) {
    diag.error(item.line, item.path,
               "0x00 is the STP BPDU address 01:80:C2:00:00:00: choose what BPDUs do with `bpdu` (flood | drop | guard)");
    return std::nullopt;
  }
  if (v == 1) {
    diag.error(item.line, item.path,
               "0x01 (01:80:C2:00:00:01, 802.3 PAUSE / MAC control) can never be forwarded: it is meant for the link only");
    return std::nullopt;
  }
  if (v > 0x0f) {
    diag.error(item.line, item.path,
               std::to_string(v) + " is not a reserved address (01:80:C2:00:00:02-0F: 2-15 or 0x02-0x0f)");
    return std::nullopt;
  }
  return static_cast<uint8_t>(v);
}

void read_forward_reserved(const Field& f, Port& port, Diagnostics& diag) {
  auto items = read_list(f, diag);
  if (!items) return;
  for (const Field& item : *items) {
    if (auto b = read_reserved_byte(item, diag)) port.forward_reserved.push_back(*b);
  }
}

void read_storm_control(const Field& f, Port& port, Diagnostics& diag) {
  MapReader map(f, diag);
  if (!map.is_map()) return;
  const std::pair<const char*, uint32_t*> keys[] = {
      {"broadcast", &port.storm_control.broadcast},
      {"unknown_unicast", &port.storm_control.unknown_unicast},
      {"unregistered_multicast", &port.storm_control.unregistered_multicast}};
  for (const auto& [key, out] : keys) {
    if (auto k = map.take(key)) {
      if (auto v = read_number<uint32_t>(*k, diag, 0, kMaxStormPps)) *out = *v;
    }
  }
  map.finish();
}

}  // namespace

void read_port_bridge_keys(MapReader& map, Port& port, Diagnostics& diag) {
  if (auto f = map.take("forward_reserved")) read_forward_reserved(*f, port, diag);
  if (auto f = map.take("bpdu")) {
    if (auto v = read_enum(*f, diag, kBpduModes)) port.bpdu = *v;
  }
  if (auto f = map.take("max_macs")) {
    if (auto v = read_number<uint32_t>(*f, diag, 0, kMaxTableSize)) port.max_macs = *v;
  }
  if (auto f = map.take("storm_control")) read_storm_control(*f, port, diag);
}

}  // namespace mcsnoop::config::detail
