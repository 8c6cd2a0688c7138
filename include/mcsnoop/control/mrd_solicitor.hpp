// When the switch sends its RFC 4286 Multicast Router Solicitations, per port (RFC 4541
// 2.1.1(1a): a snooping switch should solicit, so that routers make themselves known at once
// instead of at their next advertisement or query).
//
// A port is triggered when the switch starts and each time its link comes up (the interface is
// (re-)initialized, RFC 4286 section 5). A trigger starts a burst of `count` solicitations
// (MAX_SOLICITATIONS): the first after a random delay up to MAX_SOLICITATION_DELAY, so that
// switches powered on together do not solicit in step, the others `interval` apart. Two
// solicitations of one port are never closer than `interval`, whatever triggers them: a
// flapping link costs at most one solicitation per interval, not one per flap. Link down
// cancels the burst.
//
// Pure scheduling, no DPDK and no clock: the caller passes the time and sends what is due
// (ControlPlane, into every snooped VLAN of the port). Thread safety: none (control lcore).
#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::control {

struct MrdSolicitTiming {
  uint64_t min_delay_ms = 10;     // never at once: the start-up work goes out first
  uint64_t max_delay_ms = 1000;   // RFC 4286 MAX_SOLICITATION_DELAY (1 s)
  uint64_t interval_ms = 3000;    // between the solicitations of a port (as RFC 1256's SOLICITATION_INTERVAL)
  uint8_t count = 3;              // per trigger (MAX_SOLICITATIONS); 0 = never solicit
};

class MrdSolicitor {
 public:
  static constexpr uint64_t kIdle = std::numeric_limits<uint64_t>::max();

  MrdSolicitor(unsigned ports, uint64_t seed, MrdSolicitTiming timing = {});

  // The port was initialized or its link came up at `now_ms`: (re)start its burst.
  void trigger(PortId port, uint64_t now_ms);
  // The port's link went down: nothing more is sent on it until the next trigger.
  void cancel(PortId port);
  // The ports whose next solicitation is due at `now_ms`, each counted as sent now.
  PortMask take_due(uint64_t now_ms);
  // The earliest time take_due() returns something; kIdle when nothing is pending.
  uint64_t next_due() const { return next_due_; }

 private:
  struct PortSchedule {
    uint64_t next = kIdle;
    uint64_t last_sent = 0;
    bool sent_before = false;
    uint8_t left = 0;
  };
  void update_next_due();

  std::vector<PortSchedule> ports_;
  uint64_t next_due_ = kIdle;
  MrdSolicitTiming timing_;
  std::mt19937_64 rng_;
};

}  // namespace mcsnoop::control
