// The RCU domain shared by the tables that workers read without locks (MFT and MAC table).
//
// One rte_rcu_qsbr variable, sized for the worker lcores. Workers are the readers: each one
// registers a dense thread id (0..max_readers-1, its worker index, not its lcore id), goes
// online before its poll loop and reports a quiescent state once per loop iteration, at the
// top of the loop where it holds no table pointer (rcu_lib.rst: "a perfect quiescent state").
// The control lcore is the only writer of both tables; it never registers as a reader.
//
// A table entry removed or replaced by the writer is freed only once every online reader has
// passed a quiescent state after the removal. Offline readers never delay the writer, so a
// worker that blocks (it should not) must go offline first.
//
// Requires an initialised EAL (memory comes from rte_malloc). The domain must outlive every
// table attached to it.
#pragma once

#include <cstdint>

#include <rte_rcu_qsbr.h>

namespace mcsnoop::rcu {

class RcuDomain {
 public:
  // Throws std::runtime_error when DPDK memory cannot be allocated or max_readers is 0.
  explicit RcuDomain(unsigned max_readers, int socket_id = SOCKET_ID_ANY);
  ~RcuDomain();
  RcuDomain(const RcuDomain&) = delete;
  RcuDomain& operator=(const RcuDomain&) = delete;

  unsigned max_readers() const { return max_readers_; }

  // ---- reader side --------------------------------------------------------------------
  // register_reader/unregister_reader: any thread (lock-free, multi-thread safe); false when
  // id >= max_readers(). A registered reader starts offline.
  bool register_reader(unsigned id);
  bool unregister_reader(unsigned id);

  // The reader thread `id` only. Between online() and offline() the reader may hold table
  // pointers until its next quiescent(); it must call quiescent() regularly (every poll
  // iteration) or writers' memory is never reclaimed.
  void online(unsigned id) { rte_rcu_qsbr_thread_online(v_, id); }
  void offline(unsigned id) { rte_rcu_qsbr_thread_offline(v_, id); }
  // Reports that the reader holds no pointer obtained from a table attached to this domain.
  // Cost: one load and, when the writer has started a grace period since the last call, one
  // store to a cache line private to this reader.
  void quiescent(unsigned id) { rte_rcu_qsbr_quiescent(v_, id); }

  // ---- writer side (control lcore) ----------------------------------------------------
  // Starts a grace period: memory unlinked before this call may be freed once
  // grace_period_over(token) is true. Lock-free.
  uint64_t start_grace_period() { return rte_rcu_qsbr_start(v_); }
  // Non-blocking check of a token from start_grace_period().
  bool grace_period_over(uint64_t token) { return rte_rcu_qsbr_check(v_, token, false) == 1; }
  // Blocks until every online reader has passed a quiescent state. Spins: use only where a
  // stall of one worker loop iteration is acceptable (shutdown, reconfiguration).
  void synchronize() { rte_rcu_qsbr_synchronize(v_, RTE_QSBR_THRID_INVALID); }

  // The underlying variable, for rte_hash_rcu_qsbr_add and defer queues.
  rte_rcu_qsbr* qsbr() const { return v_; }

 private:
  rte_rcu_qsbr* v_ = nullptr;
  unsigned max_readers_ = 0;
};

// RAII registration of one worker thread as a reader: registered and online for the lifetime
// of the object, which must live on the reader's own thread (create it at the start of the
// worker's main function, destroy it before the function returns).
class RcuReader {
 public:
  // Throws std::invalid_argument when id >= domain.max_readers().
  RcuReader(RcuDomain& domain, unsigned id);
  ~RcuReader();
  RcuReader(const RcuReader&) = delete;
  RcuReader& operator=(const RcuReader&) = delete;

  void quiescent() { domain_.quiescent(id_); }
  unsigned id() const { return id_; }

 private:
  RcuDomain& domain_;
  unsigned id_;
};

}  // namespace mcsnoop::rcu
