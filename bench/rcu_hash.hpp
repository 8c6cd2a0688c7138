// An rte_hash set up for one writer and lock-free readers, with its key slots reclaimed
// through an RcuDomain: how the MFT and the MAC table were built before each got its own table.
// Kept for mft_table_bench, which measures mft::Table against it.
//
// With RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF a deleted key's slot cannot be reused at once:
// a reader may still be comparing the old key in it. rte_hash_rcu_qsbr_add (defer-queue mode)
// makes rte_hash_del_key push the slot onto the hash's own defer queue; the slot goes back to
// the free list after a grace period (on later deletes, or when an insert runs out of slots).
// Values are NOT managed here: each table handles its own (see mft::Table).
//
// The owner chooses the hash function (rte_hash_function and its init value): tables filled
// from the wire pass a keyed one (the MFT: mft::signature_of), never CRC32-C, whose collisions
// do not depend on its seed.
//
// Thread safety: construction and destruction on the writer thread, with no reader active.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rte_hash.h>

#include "mcsnoop/rcu/rcu_domain.hpp"

namespace mcsnoop::bench {

class RcuHash {
 public:
  // `entries` key slots of `key_len` bytes. `prefix` names the DPDK objects
  // (core::unique_object_name), so any number of tables coexist; keep it short (6 characters):
  // DPDK derives the ring name "RCU_HASH_RCU_<name>" from it, which must fit RTE_RING_NAMESIZE.
  // Throws std::runtime_error when DPDK cannot create the hash or attach it to the domain.
  // `equal` (optional) replaces rte_hash's key comparison, which has built-in versions only for
  // some key lengths and otherwise calls memcmp; it returns 0 for equal keys, like memcmp.
  // `hash` with `hash_init` is what rte_hash calls for the key functions without a
  // precomputed signature; callers that pass signatures must compute the same value.
  RcuHash(std::string_view prefix, uint32_t entries, uint32_t key_len, rcu::RcuDomain& rcu,
          int socket_id, rte_hash_function hash, uint32_t hash_init,
          rte_hash_cmp_eq_t equal = nullptr);
  ~RcuHash();
  RcuHash(const RcuHash&) = delete;
  RcuHash& operator=(const RcuHash&) = delete;

  rte_hash* get() const { return h_; }
  uint32_t entries() const { return entries_; }

 private:
  rte_hash* h_ = nullptr;
  uint32_t entries_ = 0;
};

}  // namespace mcsnoop::bench
