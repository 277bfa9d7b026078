// ShapeProgram: grok's fresh-event store compiled for one line shape. A shape is the set of a
// pattern's captures that a match stores (FreshStorePlan::ShapeOf): for a firewall log, about
// one per kind of line (TCP with or without DF, UDP, ICMP, ...). For a given shape the store
// does the same every time — which nested objects to make, in which order and with how many
// members, which capture goes where and how it is converted — so a program lists exactly those
// steps, and storing a match is a straight run over them: no test per capture of whether it took
// part, whether its object exists yet or whether its name was stored already. Immutable once
// built; any number of threads may run one at once.
//
// ShapeTable: one pattern's programs by shape, owned by its FreshStorePlan, filled as shapes
// are first seen, up to a fixed number of them (beyond, matches take the general store).
// Lock-free: any number of threads may look up and insert at once; a program lives as long as
// the table.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/field_key.h"
#include "core/value.h"
#include "filters/grok/grok_pattern.h"

namespace perimeter::grok {

struct FreshStorePlan;

class ShapeProgram {
 public:
  // The program of `shape` for `plan` (which must be usable). When the shape stores some name
  // twice (a name captured in two places of the pattern, both taking part), its values must be
  // merged, which programs do not do: the program is then marked merges() and has no steps.
  static std::unique_ptr<ShapeProgram> Build(const FreshStorePlan& plan, uint64_t shape);

  // Appends the captures of a match of this shape — offsets in `ovector`, text in `subject` —
  // to `fields`, an event's, which has none of the plan's top-level fields. (Each object grows
  // at most once, before its run, so the pointers kept to nested objects stay valid.)
  void Store(const PCRE2_SIZE* ovector, std::string_view subject, Object* fields) const;

  uint64_t shape() const { return shape_; }
  bool merges() const { return merges_; }

 private:
  // One member to append: an object to make (made > 0), or a capture's value.
  struct Step {
    uint8_t made;  // the object's number (the first made is 1); 0: a capture's value
    Conversion conversion;
    uint32_t arg;  // an object's member count; a capture's group's start in the ovector
    FieldKey key;
  };
  // The members appended to one object, in order: steps [first, first + count).
  struct Run {
    uint16_t object;  // 0: the event's fields; else the object of that number
    uint16_t count;
    uint32_t first;
  };

  ShapeProgram() = default;

  uint64_t shape_ = 0;
  bool merges_ = false;
  uint32_t nested_members_ = 0;  // of the objects made, all carved from one MemberBlock
  // By object, parents first: only the order of an object's own members shows (and where a
  // nested object sits in its parent), so each object's members are appended in one run.
  std::vector<Step> steps_;
  std::vector<Run> runs_;
};

class ShapeTable {
 public:
  // Programs one table keeps at most, and slots tried per shape (open addressing): a pattern
  // sees a few dozen shapes at most in real logs; more take the general store.
  static constexpr size_t kSlots = 128;
  static constexpr size_t kProbes = 8;
  static_assert(std::has_single_bit(kSlots), "a shape's home slot is its hash's top bits");

  ShapeTable() = default;
  ~ShapeTable();
  ShapeTable(const ShapeTable&) = delete;
  ShapeTable& operator=(const ShapeTable&) = delete;

  // The program of `shape`, or null when it has none yet.
  const ShapeProgram* Find(uint64_t shape) const {
    for (size_t probe = 0, at = Home(shape); probe < kProbes; ++probe, at = (at + 1) % kSlots) {
      const ShapeProgram* program = slots_[at].load(std::memory_order_acquire);
      if (program == nullptr) return nullptr;
      if (program->shape() == shape) return program;
    }
    return nullptr;
  }
  // Publishes `program`; returns the table's program for its shape (another thread's, when it
  // was first), or null when the table has no slot left for it (full() is then true).
  const ShapeProgram* Insert(std::unique_ptr<ShapeProgram> program);
  // A shape found no free slot: callers stop building programs that cannot be kept.
  bool full() const { return full_.load(std::memory_order_relaxed); }
  // Programs kept (stats, tests).
  size_t size() const;

 private:
  static size_t Home(uint64_t shape) {
    return static_cast<size_t>((shape * 0x9E3779B97F4A7C15ULL) >> (64 - std::countr_zero(kSlots)));
  }

  // Owning raw pointers, published by compare-and-swap (a unique_ptr cannot be); freed by the
  // destructor.
  std::array<std::atomic<const ShapeProgram*>, kSlots> slots_{};
  std::atomic<bool> full_{false};
};

}  // namespace perimeter::grok
