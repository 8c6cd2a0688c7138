// What a configuration reload would change: the running Config against a newly loaded one.
//
// Both configurations must come out of the loader (fully validated). The diff sorts every
// difference into one of two lists:
//   * changes: keys the running switch can take over without a restart (snooping timers and
//     policies, querier settings, static groups, per-VLAN snooping, per-port snooping policy,
//     limits, policers, bridge protection, a port's MTU (which the switch may still refuse to
//     change while running: app::Switch::set_mtus), mac_table.move_limit, logging.level);
//   * restart_required: keys fixed at start because they size memory, name hardware or lcores,
//     or shape the VLAN tables the workers read (devices, cores, dpdk.eal_args,
//     control.socket, ports added/removed/renamed/reordered, a port's VLAN membership, VLANs
//     added or removed, mac_table.size and aging_time, snooping.max_groups and max_sources
//     (they size the MFT), logging.file).
// A reload is applied only when restart_required is empty; otherwise nothing of the new file
// is (docs/operations.md, "Live reload").
//
// Paths name ports by name and VLANs by id, so that they stay meaningful when the order of
// the file changes: `ports[h2].fast_leave`, `vlans[10].querier.address`.
//
// Thread safety: pure functions of their arguments; concurrent calls are safe.
#pragma once

#include <string>
#include <vector>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::config {

struct KeyChange {
  std::string path;    // e.g. "ports[h2].fast_leave"
  std::string before;  // value text in the running configuration ("unset" when absent)
  std::string after;   // value text in the new file

  // "<path>: <before> -> <after>"
  std::string to_string() const;
  bool operator==(const KeyChange&) const = default;
};

struct ReloadDiff {
  std::vector<KeyChange> changes;           // applied by a reload
  std::vector<KeyChange> restart_required;  // any entry here refuses the whole reload

  bool applicable() const { return restart_required.empty(); }
  bool empty() const { return changes.empty() && restart_required.empty(); }
};

ReloadDiff diff_for_reload(const Config& running, const Config& next);

}  // namespace mcsnoop::config
