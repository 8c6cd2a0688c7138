#include "rcu_hash.hpp"

#include <stdexcept>
#include <string>

#include <rte_errno.h>
#include <rte_ring.h>

#include "mcsnoop/core/object_name.hpp"

namespace mcsnoop::bench {

namespace {

// Deleted key slots waiting for a grace period are reclaimed on every later delete once more
// than this many are queued, at most kReclaimBatch at a time: small enough that a delete stays
// cheap, large enough that the queue keeps up with a burst of deletes.
constexpr uint32_t kReclaimTrigger = 32;
constexpr uint32_t kReclaimBatch = 64;

}  // namespace

RcuHash::RcuHash(std::string_view prefix, uint32_t entries, uint32_t key_len, rcu::RcuDomain& rcu,
                 int socket_id, rte_hash_function hash, uint32_t hash_init,
                 rte_hash_cmp_eq_t equal)
    : entries_(entries) {
  const std::string name = core::unique_object_name(prefix);
  if (sizeof("RCU_HASH_RCU_") - 1 + name.size() >= RTE_RING_NAMESIZE) {
    throw std::runtime_error("RcuHash: name '" + name + "' too long for the defer queue's ring name");
  }
  rte_hash_parameters params{};
  params.name = name.c_str();
  params.entries = entries;
  params.key_len = key_len;
  params.hash_func = hash;
  params.hash_func_init_val = hash_init;
  params.socket_id = socket_id;
  // Lock-free readers and one writer. No EXT_TABLE: the owner sizes the table with headroom
  // so cuckoo insertion does not fail, and lookups never walk overflow chains.
  params.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
  h_ = rte_hash_create(&params);
  if (h_ == nullptr) {
    throw std::runtime_error("rte_hash_create(" + name + ", " + std::to_string(entries) +
                             " entries): " + rte_strerror(rte_errno));
  }
  if (equal != nullptr) rte_hash_set_cmp_func(h_, equal);

  rte_hash_rcu_config cfg{};
  cfg.v = rcu.qsbr();
  cfg.mode = RTE_HASH_QSBR_MODE_DQ;
  cfg.dq_size = 0;  // default: one place per key slot, so deferring a slot never fails
  cfg.trigger_reclaim_limit = kReclaimTrigger;
  cfg.max_reclaim_size = kReclaimBatch;
  cfg.free_key_data_func = nullptr;  // values are the owner's business
  if (rte_hash_rcu_qsbr_add(h_, &cfg) != 0) {
    const int err = rte_errno;
    rte_hash_free(h_);
    throw std::runtime_error("rte_hash_rcu_qsbr_add(" + name + "): " + rte_strerror(err));
  }
}

RcuHash::~RcuHash() { rte_hash_free(h_); }

}  // namespace mcsnoop::bench
