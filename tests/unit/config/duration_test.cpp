// Duration syntax: units, fractions, bare seconds, and every way the text can be wrong.
#include "mcsnoop/config/duration.hpp"

#include <gtest/gtest.h>

namespace mcsnoop::config {
namespace {

using std::chrono::milliseconds;

Duration ok(std::string_view text) {
  DurationParse p = parse_duration(text);
  EXPECT_TRUE(std::holds_alternative<Duration>(p)) << text << ": " << std::get<std::string>(p);
  return std::holds_alternative<Duration>(p) ? std::get<Duration>(p) : Duration(-1);
}

std::string bad(std::string_view text) {
  DurationParse p = parse_duration(text);
  EXPECT_TRUE(std::holds_alternative<std::string>(p)) << text << " parsed as " << std::get<Duration>(p).count();
  return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : "";
}

TEST(Duration, Units) {
  EXPECT_EQ(ok("250ms"), milliseconds(250));
  EXPECT_EQ(ok("10s"), milliseconds(10'000));
  EXPECT_EQ(ok("2m"), milliseconds(120'000));
  EXPECT_EQ(ok("0s"), milliseconds(0));
}

TEST(Duration, BareNumberIsSeconds) {
  EXPECT_EQ(ok("125"), milliseconds(125'000));
  EXPECT_EQ(ok("0"), milliseconds(0));
}

TEST(Duration, FractionsDownToTheMillisecond) {
  EXPECT_EQ(ok("1.5s"), milliseconds(1500));
  EXPECT_EQ(ok("0.25m"), milliseconds(15'000));
  EXPECT_EQ(ok("0.001s"), milliseconds(1));
  EXPECT_EQ(ok("2.5"), milliseconds(2500));
  EXPECT_NE(bad("1.0005s").find("whole number of milliseconds"), std::string::npos);
  EXPECT_NE(bad("0.5ms").find("whole number of milliseconds"), std::string::npos);
}

TEST(Duration, Malformed) {
  EXPECT_NE(bad("10x").find("unknown unit"), std::string::npos);
  EXPECT_NE(bad("10h").find("unknown unit"), std::string::npos);
  EXPECT_NE(bad("10 s").find("unknown unit"), std::string::npos);
  EXPECT_NE(bad("abc").find("not a duration"), std::string::npos);
  EXPECT_NE(bad("-1s").find("not a duration"), std::string::npos);
  EXPECT_NE(bad(".5s").find("not a duration"), std::string::npos);
  EXPECT_NE(bad("5.s").find("not a duration"), std::string::npos);
  EXPECT_NE(bad("s").find("not a duration"), std::string::npos);
  EXPECT_FALSE(bad("").empty());
  EXPECT_FALSE(bad("9999999999999s").empty());
}

TEST(Duration, FormatReadsBack) {
  EXPECT_EQ(format_duration(milliseconds(120'000)), "2m");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(milliseconds(65'535)), "65.535s");
  EXPECT_EQ(format_duration(milliseconds(1050)), "1.05s");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  for (long ms : {0L, 1L, 999L, 1000L, 1001L, 25'500L, 60'000L, 3'174'400L}) {
    EXPECT_EQ(ok(format_duration(milliseconds(ms))), milliseconds(ms));
  }
}

}  // namespace
}  // namespace mcsnoop::config
