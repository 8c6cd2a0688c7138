// Classic libpcap capture files (the pre-pcapng format), without a libpcap dependency: enough
// for test tools and demo traffic generators to write frames and read them back.
//
// Writing produces little-endian microsecond files (magic a1b2c3d4), LINKTYPE_ETHERNET.
// Reading accepts both byte orders and both microsecond and nanosecond magics.
// Thread safety: one object per thread; distinct objects are independent.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mcsnoop::net {

inline constexpr uint32_t kLinkTypeEthernet = 1;

struct PcapRecord {
  uint64_t ts_ns = 0;       // capture time since the Unix epoch
  uint32_t orig_len = 0;    // length on the wire (>= data.size() when truncated by snaplen)
  std::vector<uint8_t> data;
};

class PcapWriter {
 public:
  // Creates (truncates) `path` and writes the file header. False with `error()` set on failure.
  bool open(const std::string& path, uint32_t snaplen = 65535,
            uint32_t linktype = kLinkTypeEthernet);
  // Appends one frame (cut to the snaplen). False on an I/O error.
  bool write(std::span<const uint8_t> frame, uint64_t ts_ns = 0);
  // Flushes and closes; false if anything failed to reach the file.
  bool close();
  bool is_open() const { return file_ != nullptr; }
  const std::string& error() const { return error_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  uint32_t snaplen_ = 65535;
  std::string error_;
};

class PcapReader {
 public:
  // Opens `path` and checks the file header. False with `error()` set on failure.
  bool open(const std::string& path);
  // Reads the next record into `rec`. False at the end of the file or on a damaged record
  // (then `error()` is non-empty).
  bool next(PcapRecord& rec);
  uint32_t linktype() const { return linktype_; }
  uint32_t snaplen() const { return snaplen_; }
  const std::string& error() const { return error_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  uint32_t field(const uint8_t* p) const;

  std::unique_ptr<std::FILE, Closer> file_;
  bool swapped_ = false;
  bool nanos_ = false;
  uint32_t linktype_ = 0;
  uint32_t snaplen_ = 0;
  std::string error_;
};

// Whole-file conveniences. read_pcap returns an empty vector (and sets *error) on failure.
bool write_pcap(const std::string& path, const std::vector<std::vector<uint8_t>>& frames,
                std::string* error = nullptr);
std::vector<PcapRecord> read_pcap(const std::string& path, std::string* error = nullptr);

}  // namespace mcsnoop::net
