#include "mcsnoop/rcu/rcu_domain.hpp"

#include <stdexcept>
#include <string>

#include <rte_errno.h>
#include <rte_malloc.h>

namespace mcsnoop::rcu {

RcuDomain::RcuDomain(unsigned max_readers, int socket_id) : max_readers_(max_readers) {
  if (max_readers == 0) throw std::runtime_error("rcu domain: max_readers must be at least 1");
  const size_t size = rte_rcu_qsbr_get_memsize(max_readers);
  v_ = static_cast<rte_rcu_qsbr*>(
      rte_zmalloc_socket("mcsnoop_rcu", size, RTE_CACHE_LINE_SIZE, socket_id));
  if (v_ == nullptr) {
    throw std::runtime_error("rcu domain: cannot allocate " + std::to_string(size) +
                             " bytes of DPDK memory");
  }
  if (rte_rcu_qsbr_init(v_, max_readers) != 0) {
    const int err = rte_errno;
    rte_free(v_);
    throw std::runtime_error(std::string("rcu domain: rte_rcu_qsbr_init: ") + rte_strerror(err));
  }
}

RcuDomain::~RcuDomain() { rte_free(v_); }

bool RcuDomain::register_reader(unsigned id) {
  return id < max_readers_ && rte_rcu_qsbr_thread_register(v_, id) == 0;
}

bool RcuDomain::unregister_reader(unsigned id) {
  return id < max_readers_ && rte_rcu_qsbr_thread_unregister(v_, id) == 0;
}

RcuReader::RcuReader(RcuDomain& domain, unsigned id) : domain_(domain), id_(id) {
  if (!domain_.register_reader(id_)) {
    throw std::invalid_argument("rcu reader id " + std::to_string(id) + " out of range (max " +
                                std::to_string(domain.max_readers()) + ")");
  }
  domain_.online(id_);
}

RcuReader::~RcuReader() {
  domain_.offline(id_);
  domain_.unregister_reader(id_);
}

}  // namespace mcsnoop::rcu
