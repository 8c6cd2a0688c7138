// Initialises the DPDK EAL once per test binary (it cannot be initialised twice in a process)
// as a GoogleTest global environment, and cleans it up after the last test.
//
// No hugepages, no PCI, no shared config: the tests run unprivileged-style on any box. Each
// binary passes its own file prefix (the PID is appended), so test binaries running in
// parallel never share DPDK runtime files.
#pragma once

#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_errno.h>

namespace mcsnoop::testing {

class EalEnvironment : public ::testing::Environment {
 public:
  // `lcores`: the value of --lcores, e.g. "0-1" or "(0-2)@(0-1)" for three lcores on two CPUs.
  EalEnvironment(std::string prefix, std::string lcores)
      : prefix_(std::move(prefix)), lcores_(std::move(lcores)) {}

  void SetUp() override {
    // Kept in members: EAL may hold on to argv strings after init.
    args_ = {
        "mcsnoop-test", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
        "--file-prefix", prefix_ + "-" + std::to_string(getpid()),
        "--lcores", lcores_, "--log-level", "lib.eal:warning"};
    for (std::string& a : args_) argv_.push_back(a.data());
    argv_.push_back(nullptr);
    const int rc = rte_eal_init(static_cast<int>(args_.size()), argv_.data());
    ASSERT_GE(rc, 0) << "rte_eal_init: " << rte_strerror(rte_errno);
    initialised_ = true;
  }

  void TearDown() override {
    if (initialised_) rte_eal_cleanup();
  }

 private:
  std::string prefix_;
  std::string lcores_;
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  bool initialised_ = false;
};

}  // namespace mcsnoop::testing
