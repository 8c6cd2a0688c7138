// A vector of trivially copyable values whose handle is a single pointer.
//
// Lists that are empty in the common case and off the hot path (a group's static and published
// (S,G) sets: any-source groups have neither) would cost 24 bytes each as std::vector, enough
// to push a Group past two cache lines. Here the size and capacity live in front of the
// elements in the heap block, so an empty, never-used list is one null pointer and costs
// nothing else. Capacity is kept when the list shrinks, so re-publishing never allocates.
// The list never holds more than kMaxSize (what its uint32_t counts): insert() and assign()
// refuse past it, in every build type, and return false.
//
// Thread safety: none (plain value type).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <span>
#include <type_traits>

namespace mcsnoop::snoop {

template <typename T>
class CompactVec {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "CompactVec moves elements with memcpy");
  static_assert(alignof(T) <= alignof(std::max_align_t), "plain operator new must align the block");

 public:
  static constexpr uint32_t kMaxSize = std::numeric_limits<uint32_t>::max();

  CompactVec() = default;
  ~CompactVec() { ::operator delete(block_); }
  // A list of the same type always fits, so the copies cannot be refused.
  CompactVec(const CompactVec& o) { static_cast<void>(assign(o.span())); }
  CompactVec& operator=(const CompactVec& o) {
    if (this != &o) static_cast<void>(assign(o.span()));
    return *this;
  }
  CompactVec(CompactVec&& o) noexcept : block_(o.block_) { o.block_ = nullptr; }
  CompactVec& operator=(CompactVec&& o) noexcept {
    if (this != &o) {
      ::operator delete(block_);
      block_ = o.block_;
      o.block_ = nullptr;
    }
    return *this;
  }

  uint32_t size() const { return block_ == nullptr ? 0 : block_->size; }
  bool empty() const { return size() == 0; }
  uint32_t capacity() const { return block_ == nullptr ? 0 : block_->cap; }
  T* data() { return block_ == nullptr ? nullptr : elements(block_); }
  const T* data() const { return block_ == nullptr ? nullptr : elements(block_); }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  T& operator[](uint32_t i) { return data()[i]; }
  const T& operator[](uint32_t i) const { return data()[i]; }
  std::span<const T> span() const { return {data(), size()}; }

  // Empties the list and keeps its block for reuse.
  void clear() {
    if (block_ != nullptr) block_->size = 0;
  }
  [[nodiscard]] bool push_back(const T& v) { return insert(size(), v); }

  // Inserts `v` before index `pos` (<= size()). False, and nothing changed, when the list
  // already holds kMaxSize elements.
  [[nodiscard]] bool insert(uint32_t pos, const T& v) {
    const uint32_t n = size();
    if (n == kMaxSize) return false;
    if (n == capacity()) grow(static_cast<uint32_t>(std::clamp<uint64_t>(2 * uint64_t{n}, 1, kMaxSize)));
    T* d = elements(block_);
    std::memmove(static_cast<void*>(d + pos + 1), d + pos, (n - pos) * sizeof(T));
    std::memcpy(static_cast<void*>(d + pos), &v, sizeof(T));
    block_->size = n + 1;
    return true;
  }

  void erase(uint32_t pos) {
    T* d = elements(block_);
    std::memmove(static_cast<void*>(d + pos), d + pos + 1, size_t{block_->size - pos - 1} * sizeof(T));
    --block_->size;
  }

  // Keeps the elements for which keep(element) is true, in order.
  template <typename Pred>
  void retain(Pred&& keep) {
    if (block_ == nullptr) return;
    T* d = elements(block_);
    uint32_t out = 0;
    for (uint32_t i = 0; i < block_->size; ++i) {
      if (keep(d[i])) d[out++] = d[i];
    }
    block_->size = out;
  }

  // Replaces the contents; allocates only when `src` is larger than the current capacity.
  // False, and the contents unchanged, when `src` holds more than kMaxSize elements.
  [[nodiscard]] bool assign(std::span<const T> src) {
    if (src.size() > kMaxSize) return false;
    const auto n = static_cast<uint32_t>(src.size());
    if (n > capacity()) grow(n);
    if (block_ == nullptr) return true;  // nothing to copy and no block to update
    if (n != 0) std::memcpy(static_cast<void*>(elements(block_)), src.data(), size_t{n} * sizeof(T));
    block_->size = n;
    return true;
  }

  // Bytes held outside the object (for memory accounting in tests and benchmarks).
  size_t heap_bytes() const { return block_ == nullptr ? 0 : bytes_for(block_->cap); }

 private:
  struct Header {
    uint32_t size;
    uint32_t cap;
  };
  // Elements start at the first multiple of alignof(T) after the header.
  static constexpr size_t kOffset = (sizeof(Header) + alignof(T) - 1) / alignof(T) * alignof(T);

  static T* elements(Header* h) { return std::launder(reinterpret_cast<T*>(reinterpret_cast<std::byte*>(h) + kOffset)); }
  static const T* elements(const Header* h) {
    return std::launder(reinterpret_cast<const T*>(reinterpret_cast<const std::byte*>(h) + kOffset));
  }
  static size_t bytes_for(uint32_t cap) { return kOffset + size_t{cap} * sizeof(T); }

  void grow(uint32_t cap) {
    auto* fresh = static_cast<Header*>(::operator new(bytes_for(cap)));
    fresh->cap = cap;
    fresh->size = size();
    if (fresh->size != 0) std::memcpy(static_cast<void*>(elements(fresh)), elements(block_), size_t{fresh->size} * sizeof(T));
    ::operator delete(block_);
    block_ = fresh;
  }

  Header* block_ = nullptr;
};

}  // namespace mcsnoop::snoop
