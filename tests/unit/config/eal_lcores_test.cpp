// Reading the EAL lcore set from -l, --lcores and -c, as DPDK 22.11 reads them.
#include "mcsnoop/config/eal_lcores.hpp"

#include <gtest/gtest.h>

namespace mcsnoop::config {
namespace {

std::vector<unsigned> lcores_of(const std::vector<std::string>& args) {
  EalLcores r = parse_eal_lcores(args);
  EXPECT_EQ(r.error, "");
  std::vector<unsigned> out;
  if (!r.lcores) return out;
  for (unsigned i = 0; i < kMaxLcores; ++i) {
    if (r.lcores->test(i)) out.push_back(i);
  }
  return out;
}

using V = std::vector<unsigned>;

TEST(EalLcores, CoreList) {
  EXPECT_EQ(lcores_of({"--no-huge", "-l", "0-1"}), (V{0, 1}));
  EXPECT_EQ(lcores_of({"-l", "0-3,5,7-8"}), (V{0, 1, 2, 3, 5, 7, 8}));
  EXPECT_EQ(lcores_of({"-l2,4"}), (V{2, 4}));
}

TEST(EalLcores, CoreMask) {
  EXPECT_EQ(lcores_of({"-c", "0x5"}), (V{0, 2}));
  EXPECT_EQ(lcores_of({"-c", "f0"}), (V{4, 5, 6, 7}));
  EXPECT_EQ(lcores_of({"-c3"}), (V{0, 1}));
}

TEST(EalLcores, LcoreMapCountsOnlyLcoreIds) {
  EXPECT_EQ(lcores_of({"--lcores", "1,2@(5-7),(3-5)@(0,2),(0,6),7-8"}), (V{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(lcores_of({"--lcores=0@0,1@2"}), (V{0, 1}));
}

TEST(EalLcores, NoLcoreOptionMeansUnknown) {
  EalLcores r = parse_eal_lcores({"--no-huge", "-m", "512", "--vdev", "net_ring0"});
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.lcores.has_value());
}

TEST(EalLcores, ValuesOfOtherOptionsAreNotOptions) {
  EalLcores r = parse_eal_lcores({"--file-prefix", "-l", "-m", "-c"});
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.lcores.has_value());
}

TEST(EalLcores, ArgumentsAfterDoubleDashBelongToTheApplication) {
  EXPECT_EQ(lcores_of({"-l", "1", "--", "-l", "zz"}), (V{1}));
}

TEST(EalLcores, Errors) {
  struct Case {
    std::vector<std::string> args;
    size_t bad_arg;
  };
  const Case cases[] = {
      {{"-l"}, 0},
      {{"-l", "3-1"}, 1},
      {{"-l", "a"}, 1},
      {{"-l", "0,,1"}, 1},
      {{"-l", "5000"}, 1},
      {{"-c", "0x0"}, 1},
      {{"-c", "xyz"}, 1},
      {{"--lcores", "(1,2"}, 1},
      {{"--lcores", "1@"}, 1},
      {{"--lcores", "1,"}, 1},
      {{"-l", "0", "-c", "1"}, 3},
  };
  for (const Case& c : cases) {
    EalLcores r = parse_eal_lcores(c.args);
    EXPECT_NE(r.error, "") << c.args.back();
    EXPECT_EQ(r.error_arg, c.bad_arg) << c.args.back();
  }
}

}  // namespace
}  // namespace mcsnoop::config
