#include "io_forward_loop.hpp"

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_mbuf.h>

namespace mcsnoop::bench {

namespace {

// The loop of io_forward_main() with each burst's receive and transmit timed.
int staged_io_forward(IoForwardTask& t) {
  rte_mbuf* pkts[kIoBurst];
  uint64_t forwarded = 0;
  while (!t.stop.load(std::memory_order_relaxed)) {
    dataplane::StageClock clock(t.stages);
    const uint16_t n = rte_eth_rx_burst(t.rx_port, t.rx_queue, pkts, kIoBurst);
    if (n == 0) continue;
    clock.lap(dataplane::Stage::Rx);
    const uint16_t sent = rte_eth_tx_burst(t.tx_port, t.tx_queue, pkts, n);
    if (sent < n) rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
    clock.lap(dataplane::Stage::Tx);
    clock.commit(n);
    forwarded += sent;
    t.forwarded.store(forwarded, std::memory_order_relaxed);
  }
  return 0;
}

}  // namespace

int io_forward_main(void* arg) {
  auto& t = *static_cast<IoForwardTask*>(arg);
  if (t.stages != nullptr) return staged_io_forward(t);
  rte_mbuf* pkts[kIoBurst];
  // Counted locally and published once per burst: one relaxed store, as cheap as a plain one.
  uint64_t forwarded = 0, refused = 0;
  while (!t.stop.load(std::memory_order_relaxed)) {
    const uint16_t n = rte_eth_rx_burst(t.rx_port, t.rx_queue, pkts, kIoBurst);
    if (n == 0) continue;
    const uint16_t sent = rte_eth_tx_burst(t.tx_port, t.tx_queue, pkts, n);
    if (sent < n) {
      rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
      refused += n - sent;
      t.refused.store(refused, std::memory_order_relaxed);
    }
    forwarded += sent;
    t.forwarded.store(forwarded, std::memory_order_relaxed);
  }
  return 0;
}

bool start_io_forward(IoForwardTask& task, unsigned lcore) {
  task.stop.store(false);
  task.forwarded.store(0);
  task.refused.store(0);
  return rte_eal_remote_launch(io_forward_main, &task, lcore) == 0;
}

void stop_io_forward(IoForwardTask& task, unsigned lcore) {
  task.stop.store(true);
  rte_eal_wait_lcore(lcore);
}

}  // namespace mcsnoop::bench
