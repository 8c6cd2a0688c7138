// PendingMacs on its own: exact matches only, tickets that retire exactly their own write, move
// records counted and never evicted, rollback. (The pipeline suite's learning tests check the
// guarantee it serves, through the whole data path.)
#include <random>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "mcsnoop/dataplane/pending_macs.hpp"
#include "mcsnoop/l2/mac_table.hpp"

namespace mcsnoop::dataplane {
namespace {

using Outcome = PendingMacs::Outcome;

// A unicast address key word: group bit clear, VLAN 1..4095.
uint64_t key(uint64_t n, VlanId vlan = 1) {
  const uint64_t mac = (n << 1) & ((uint64_t{1} << 48) - 1);  // bit 0 (group) clear
  return mac | uint64_t{vlan} << 48;
}

TEST(PendingMacs, FindsExactlyWhatWasRecorded) {
  PendingMacs pm(12345);
  PendingMacs::Found f{};
  EXPECT_FALSE(pm.find(key(7), &f));
  const auto w = pm.record(key(7), 3, false, 0);
  ASSERT_EQ(w.outcome, Outcome::Written);
  ASSERT_TRUE(pm.find(key(7), &f));
  EXPECT_EQ(f.port, 3);
  EXPECT_FALSE(f.move);
  EXPECT_FALSE(pm.find(key(7, 2), &f)) << "same address, other VLAN";
  EXPECT_FALSE(pm.find(key(8), &f));
  EXPECT_FALSE(pm.moves_pending());
  EXPECT_EQ(pm.record(key(7), 3, false, 0).outcome, Outcome::Unchanged);
  EXPECT_EQ(pm.live(), 1u);
}

TEST(PendingMacs, RefusesGroupAddressesAndInvalidVlans) {
  PendingMacs pm(1);
  PendingMacs::Found f{};
  EXPECT_EQ(pm.record(key(7) | 1, 1, false, 0).outcome, Outcome::Full);
  EXPECT_EQ(pm.record((key(7) & ((uint64_t{1} << 48) - 1)) | uint64_t{0xffff} << 48, 1, false, 0).outcome,
            Outcome::Full);
  EXPECT_EQ(pm.record(key(7), kMaxPorts, false, 0).outcome, Outcome::Full);
  EXPECT_FALSE(pm.find(key(7) | 1, &f));
  EXPECT_EQ(pm.live(), 0u);
}

// Thousands of keys held at once: every one found with its own port, never a foreign match
// (the stored remainder plus the bucket identify the key exactly).
TEST(PendingMacs, ManyKeysNoFalseMatches) {
  PendingMacs pm(0xfeedULL);
  std::mt19937_64 rng(7);
  std::unordered_map<uint64_t, PortId> held;
  for (unsigned i = 0; i < 6000; ++i) {
    const uint64_t k = key(rng(), static_cast<VlanId>(1 + rng() % 4095));
    const auto port = static_cast<PortId>(rng() % kMaxPorts);
    const auto w = pm.record(k, port, false, i);
    ASSERT_NE(w.outcome, Outcome::Full);
    if (w.outcome == Outcome::Evicted) continue;  // held keeps only what cannot have been evicted
    held[k] = port;
  }
  unsigned found = 0;
  for (const auto& [k, port] : held) {
    PendingMacs::Found f{};
    if (!pm.find(k, &f)) continue;  // evicted by a later key of the same bucket
    ++found;
    EXPECT_EQ(f.port, port);
  }
  EXPECT_GT(found, 5000u);
  for (unsigned i = 0; i < 200000; ++i) {
    const uint64_t k = key(rng(), static_cast<VlanId>(1 + rng() % 4095));
    PendingMacs::Found f{};
    if (held.count(k) == 0) {
      EXPECT_FALSE(pm.find(k, &f));
    }
  }
}

// The host moves Q -> R -> Q before the control lcore applies the first event: retiring the
// first ticket must not remove the third record, which says the same port.
TEST(PendingMacs, RetireRemovesOnlyItsOwnWrite) {
  PendingMacs pm(99);
  const auto e1 = pm.record(key(1), 1, false, 0);
  const auto e2 = pm.record(key(1), 2, true, 0);
  const auto e3 = pm.record(key(1), 1, true, 0);
  ASSERT_EQ(e1.outcome, Outcome::Written);
  ASSERT_EQ(e2.outcome, Outcome::Written);
  ASSERT_EQ(e3.outcome, Outcome::Written);
  EXPECT_EQ(pm.moves_live(), 1);
  pm.retire(key(1), e1.ticket);
  pm.retire(key(1), e2.ticket);
  PendingMacs::Found f{};
  ASSERT_TRUE(pm.find(key(1), &f));
  EXPECT_EQ(f.port, 1);
  EXPECT_TRUE(f.move);
  EXPECT_TRUE(pm.moves_pending());
  pm.retire(key(1), e3.ticket);
  EXPECT_FALSE(pm.find(key(1), &f));
  EXPECT_FALSE(pm.moves_pending());
  // A ticket for another key's bucket, or replayed, changes nothing.
  const auto e4 = pm.record(key(2), 5, false, 0);
  pm.retire(key(1), e4.ticket);
  EXPECT_TRUE(pm.find(key(2), &f));
  pm.retire(key(2), e4.ticket);
  pm.retire(key(2), e4.ticket);
  EXPECT_EQ(pm.live(), 0u);
}

// The slot's tag survives the free state, so a recycled slot never matches an old ticket.
TEST(PendingMacs, OldTicketDoesNotRetireARecordWrittenAfterIt) {
  PendingMacs pm(5);
  const auto a = pm.record(key(3), 1, false, 0);
  pm.retire(key(3), a.ticket);
  const auto b = pm.record(key(3), 1, false, 0);
  ASSERT_EQ(b.outcome, Outcome::Written);
  EXPECT_EQ(a.ticket.slot, b.ticket.slot);
  EXPECT_NE(a.ticket.word_hi, b.ticket.word_hi);
  pm.retire(key(3), a.ticket);
  PendingMacs::Found f{};
  EXPECT_TRUE(pm.find(key(3), &f));
}

TEST(PendingMacs, RollbackRestoresThePreviousRecord) {
  PendingMacs pm(11);
  const auto first = pm.record(key(4), 1, false, 0);
  const auto moved = pm.record(key(4), 2, true, 0);
  EXPECT_TRUE(pm.moves_pending());
  pm.rollback(moved);  // its event could not be queued
  PendingMacs::Found f{};
  ASSERT_TRUE(pm.find(key(4), &f));
  EXPECT_EQ(f.port, 1);
  EXPECT_FALSE(f.move);
  EXPECT_FALSE(pm.moves_pending());
  pm.retire(key(4), first.ticket);  // the first event still retires its record
  EXPECT_EQ(pm.live(), 0u);
  const auto fresh = pm.record(key(5), 1, false, 0);
  pm.rollback(fresh);
  EXPECT_FALSE(pm.find(key(5), &f));
}

// Move records are never evicted: when a bucket holds nothing else, a new address is refused
// (it floods until published) rather than sending a moved host's frames to its old port.
TEST(PendingMacs, MoveRecordsAreNeverEvicted) {
  PendingMacs pm(21);
  std::vector<std::pair<uint64_t, PortId>> moves;
  unsigned full = 0;
  for (uint64_t i = 0; i < 3 * PendingMacs::kSlots; ++i) {
    const auto port = static_cast<PortId>(i % 7);
    const auto w = pm.record(key(i), port, true, i);
    ASSERT_NE(w.outcome, Outcome::Evicted);
    if (w.outcome == Outcome::Full) {
      ++full;
    } else {
      moves.emplace_back(key(i), port);
    }
  }
  EXPECT_GT(full, 0u);
  EXPECT_EQ(pm.live(), moves.size());
  EXPECT_EQ(pm.moves_live(), static_cast<int64_t>(moves.size()));
  for (const auto& [k, port] : moves) {
    PendingMacs::Found f{};
    ASSERT_TRUE(pm.find(k, &f));
    EXPECT_EQ(f.port, port);
  }
  // Plain records evict plain records only.
  const auto plain = pm.record(key(1u << 30), 1, false, 0);
  EXPECT_EQ(plain.outcome, Outcome::Full);
}

}  // namespace
}  // namespace mcsnoop::dataplane
