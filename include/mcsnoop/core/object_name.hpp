// unique_object_name(): a process-unique name for a DPDK object.
//
// DPDK's object names (mempools, rings, hashes, memzones) are global to the process and short
// (RTE_MEMZONE_NAMESIZE is 32, and DPDK derives names from them: rte_hash's "HT_<name>", a
// defer queue's ring). Every module that creates such objects takes its names from here, so that
// a process can build several switches, tables or benchmarks one after another.
//
// Thread safety: any thread (one atomic sequence per process).
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "mcsnoop/core/text.hpp"

namespace mcsnoop::core {

// "mcs_<what>_<n>": `what` cut to 8 characters and n below 1,000,000, so at most 19 characters.
inline std::string unique_object_name(std::string_view what) {
  static std::atomic<unsigned> sequence{0};
  const unsigned n = sequence.fetch_add(1, std::memory_order_relaxed) % 1'000'000;
  return cat("mcs_", what.substr(0, 8), "_", std::to_string(n));
}

}  // namespace mcsnoop::core
