// The `snooping` section, and the same keys as per-VLAN overrides.
#include "mcsnoop/config/duration.hpp"
#include "sections.hpp"

namespace mcsnoop::config::detail {
namespace {

constexpr std::pair<std::string_view, UnregisteredPolicy> kUnregistered[] = {
    {"flood", UnregisteredPolicy::Flood},
    {"router-ports", UnregisteredPolicy::RouterPorts},
    {"drop", UnregisteredPolicy::Drop}};

// Reads `key` with `reader` into `slot` when present; false only on a read error (the error is
// reported, so callers may ignore the result when nothing else depends on the key).
template <typename T, typename Reader>
bool read_optional(MapReader& map, std::string_view key, std::optional<T>& slot, Reader reader,
                   std::optional<Field>* field_out = nullptr) {
  auto f = map.take(key);
  if (field_out) *field_out = f;
  if (!f) return true;
  slot = reader(*f);
  return slot.has_value();
}

}  // namespace

ParseState::SnoopingReadStatus read_snooping_keys(MapReader& map, Diagnostics& diag, SnoopingOverrides& out,
                                                  SnoopingKeyFields& fields) {
  ParseState::SnoopingReadStatus status;
  bool& timers_ok = status.timers_ok;
  read_optional(map, "robustness", out.robustness,
                [&](const Field& f) { return read_number<uint8_t>(f, diag, 1, 7); });
  timers_ok &= read_optional(
      map, "query_interval", out.query_interval,
      [&](const Field& f) { return read_duration(f, diag, kMinQueryInterval, kMaxQueryInterval); },
      &fields.query_interval);
  timers_ok &= read_optional(
      map, "query_response_interval", out.query_response_interval,
      [&](const Field& f) { return read_duration(f, diag, kMinResponseInterval, kMaxResponseInterval); },
      &fields.query_response_interval);
  timers_ok &= read_optional(
      map, "last_member_query_interval", out.last_member_query_interval,
      [&](const Field& f) { return read_duration(f, diag, kMinResponseInterval, kMaxResponseInterval); },
      &fields.last_member_query_interval);
  read_optional(map, "last_member_query_count", out.last_member_query_count,
                [&](const Field& f) { return read_number<uint8_t>(f, diag, 1, 255); });
  read_optional(map, "unregistered", out.unregistered,
                [&](const Field& f) { return read_enum(f, diag, kUnregistered); });
  status.mld_ok = read_optional(
      map, "mld", out.mld, [&](const Field& f) { return read_bool(f, diag); }, &fields.mld);
  read_optional(map, "max_groups", out.max_groups,
                [&](const Field& f) { return read_number<uint32_t>(f, diag, 1, kMaxTableSize); });
  read_optional(map, "mrd_solicit", out.mrd_solicit, [&](const Field& f) { return read_bool(f, diag); });
  return status;
}

void check_timer_order(const SnoopingSettings& s, const SnoopingKeyFields& fields, Diagnostics& diag) {
  if (s.query_response_interval < s.query_interval) return;
  const std::string qri = format_duration(s.query_response_interval);
  const std::string qi = format_duration(s.query_interval);
  // Blame the key this section set; if it set neither, the conflict is not its own.
  if (fields.query_response_interval) {
    diag.error(fields.query_response_interval->line, fields.query_response_interval->path,
               qri + " must be shorter than query_interval (" + qi + ")");
  } else if (fields.query_interval) {
    diag.error(fields.query_interval->line, fields.query_interval->path,
               qi + " must be longer than query_response_interval (" + qri + ")");
  }
}

void parse_snooping(const std::optional<Field>& f, ParseState& st) {
  const Field section = f ? *f : Field{YAML::Node(YAML::NodeType::Null), "snooping", 1};
  MapReader map(section, st.diag);
  SnoopingOverrides given;
  SnoopingKeyFields fields;
  st.snooping_status = read_snooping_keys(map, st.diag, given, fields);
  // Global only: a VLAN's overrides (read_snooping_keys) do not include it.
  std::optional<uint32_t> max_sources;
  read_optional(map, "max_sources", max_sources,
                [&](const Field& f) { return read_number<uint32_t>(f, st.diag, 1, kMaxTableSize); });
  map.finish();
  st.cfg.snooping = given.apply_to(SnoopingSettings{});
  if (max_sources) st.cfg.snooping.max_sources = *max_sources;
  if (st.snooping_status.timers_ok) check_timer_order(st.cfg.snooping, fields, st.diag);
}

}  // namespace mcsnoop::config::detail
