// The section parsers of the loader and the state they share.
//
// Sections are parsed in dependency order, not file order: dpdk (the EAL lcore set), cores,
// ports, snooping (the defaults), vlans (overrides, static groups naming ports), then the
// independent ones. Each parser fills its part of the Config and records what later sections
// need to know about failures, so one mistake is reported once and not again as a
// consequence in every section that refers to it.
//
// Thread safety: none; one ParseState per loader call.
#pragma once

#include <optional>
#include <vector>

#include "mcsnoop/config/config.hpp"
#include "mcsnoop/config/eal_lcores.hpp"
#include "yaml_reader.hpp"

namespace mcsnoop::config::detail {

struct ParseState {
  ParseState(Diagnostics& d, Config& c) : diag(d), cfg(c) {}

  Diagnostics& diag;
  Config& cfg;

  // From dpdk.eal_args: the lcores the EAL will run, and the argument text that set them.
  std::optional<LcoreSet> eal_lcores;
  std::string eal_lcores_text;
  // dpdk.eal_args has --no-pci: the EAL sees no PCI device, so a PCI port cannot open.
  bool eal_no_pci = false;

  // Per entry of cfg.ports (one per list item, valid or not, so indices match the file).
  struct PortState {
    bool name_ok = false;   // the name is usable as a reference target
    bool vlans_ok = false;  // mode, vlan, allowed_vlans and native_vlan all read cleanly
    // Set when the file gives the key: otherwise the loader resolves the port's fair share.
    bool max_groups_given = false;
    bool max_sources_given = false;
  };
  std::vector<PortState> ports;

  // Which parts of the `snooping` section read cleanly: checks that combine it with a VLAN's
  // overrides then say something about the VLAN and do not echo an error already reported.
  struct SnoopingReadStatus {
    bool timers_ok = true;  // query_interval, query_response_interval, last_member_query_interval
    bool mld_ok = true;
  } snooping_status;
};

void parse_dpdk(const std::optional<Field>& f, ParseState& st);
void parse_cores(const std::optional<Field>& f, const Field& root, ParseState& st);
void parse_ports(const std::optional<Field>& f, const Field& root, ParseState& st);
void parse_snooping(const std::optional<Field>& f, ParseState& st);
void parse_vlans(const std::optional<Field>& f, ParseState& st);
void parse_mac_table(const std::optional<Field>& f, ParseState& st);
// After ports and snooping: omitted ports[].max_groups / max_sources become fair shares.
void resolve_port_limits(ParseState& st);
void parse_control(const std::optional<Field>& f, ParseState& st);
void parse_logging(const std::optional<Field>& f, ParseState& st);

// The bridge protection keys of one `ports[]` entry (parse_bridge.cpp): forward_reserved,
// bpdu, max_macs, storm_control.
void read_port_bridge_keys(MapReader& map, Port& port, Diagnostics& diag);

// Shared by `snooping` and each `vlans[]` entry: reads the keys of `snooping` present in
// `map` into `out`. Where they were given matters for error placement, so their fields are
// kept too.
struct SnoopingKeyFields {
  std::optional<Field> query_interval;
  std::optional<Field> query_response_interval;
  std::optional<Field> last_member_query_interval;
  std::optional<Field> mld;
};
// Says which of the keys that later checks combine were all read cleanly.
ParseState::SnoopingReadStatus read_snooping_keys(MapReader& map, Diagnostics& diag, SnoopingOverrides& out,
                                                  SnoopingKeyFields& fields);

// The limits of the snooping timers (docs/configuration.md explains each).
inline constexpr Duration kMinQueryInterval = std::chrono::seconds(1);
inline constexpr Duration kMaxQueryInterval = std::chrono::seconds(31744);  // largest IGMPv3 QQIC
inline constexpr Duration kMinResponseInterval = std::chrono::milliseconds(100);  // 1 MRC unit
inline constexpr Duration kMaxResponseInterval = std::chrono::milliseconds(3'174'400);  // IGMPv3 MRC
inline constexpr Duration kMaxIgmpV2Response = std::chrono::milliseconds(25'500);   // 8-bit 1/10 s
inline constexpr Duration kMaxMldV1Response = std::chrono::milliseconds(65'535);    // 16-bit ms
inline constexpr int64_t kMaxTableSize = 1 << 24;
// The most sources one (port, group) membership may list (snoop::kMaxSourcesPerGroup; the app
// wiring checks that the two agree).
inline constexpr int64_t kMaxSourcesPerGroup = 1024;

// Reports query_response_interval >= query_interval in resolved settings `s`, at the key of
// `fields` (the keys a section set itself) that caused it; nothing if the section set neither.
void check_timer_order(const SnoopingSettings& s, const SnoopingKeyFields& fields, Diagnostics& diag);

}  // namespace mcsnoop::config::detail
