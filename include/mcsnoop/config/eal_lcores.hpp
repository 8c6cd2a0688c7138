// The set of lcores an EAL argument vector enables (-l LIST, --lcores MAP or -c MASK).
//
// The configuration checks that every lcore it assigns a role to is enabled for the EAL; it
// reads the EAL arguments the same way DPDK 22.11 does, without linking DPDK.
//
// Thread safety: pure functions.
#pragma once

#include <bitset>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mcsnoop::config {

// Highest lcore id + 1 that the checks accept (DPDK's largest RTE_MAX_LCORE build setting).
inline constexpr unsigned kMaxLcores = 1024;

using LcoreSet = std::bitset<kMaxLcores>;

struct EalLcores {
  std::optional<LcoreSet> lcores;  // unset: the arguments name no lcores (EAL then uses all)
  std::string error;               // non-empty: the lcore option could not be read
  std::size_t error_arg = 0;       // index into the argument vector of the offending value
};

EalLcores parse_eal_lcores(const std::vector<std::string>& eal_args);

}  // namespace mcsnoop::config
