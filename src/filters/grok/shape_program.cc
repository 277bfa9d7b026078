#include "filters/grok/shape_program.h"

#include <algorithm>

#include "core/member_block.h"
#include "filters/grok/capture_append.h"
#include "filters/grok/fresh_store_plan.h"

namespace perimeter::grok {

static_assert(FreshStorePlan::kMaxNodes < 256, "an object's number fits Step::made");

std::unique_ptr<ShapeProgram> ShapeProgram::Build(const FreshStorePlan& plan, uint64_t shape) {
  std::unique_ptr<ShapeProgram> program(new ShapeProgram());  // the constructor is private
  program->shape_ = shape;
  // What the general fresh store does for this shape: the captures in order, each making the
  // objects on its path that are not made yet, outermost first; here sorted out by object.
  std::vector<std::vector<Step>> members(1);        // by object number; 0: the event's fields
  std::vector<uint8_t> made(plan.nodes.size(), 0);  // node -> its object's number; 0: none
  std::vector<char> stored(plan.nodes.size(), 0);
  auto into = [&](int32_t node) -> std::vector<Step>& {
    const int32_t parent = plan.nodes[static_cast<size_t>(node)].parent;
    return members[parent < 0 ? 0 : made[static_cast<size_t>(parent)]];
  };
  for (const FreshStorePlan::Capture& c : plan.captures) {
    if ((shape >> (c.group - 1) & 1) == 0) continue;
    const auto leaf = static_cast<size_t>(c.leaf);
    if (stored[leaf]) {
      program->merges_ = true;
      return program;
    }
    stored[leaf] = 1;
    plan.MakeMissing(
        plan.nodes[leaf].parent, [&](int32_t at) { return made[static_cast<size_t>(at)] != 0; },
        [&](int32_t at) {
          const auto number = static_cast<uint8_t>(members.size());
          into(at).push_back(
              {number, Conversion::kNone, 0, plan.nodes[static_cast<size_t>(at)].key});
          made[static_cast<size_t>(at)] = number;
          members.emplace_back();
        });
    into(c.leaf).push_back({0, c.conversion, 2 * c.group, plan.nodes[leaf].key});
  }
  // Objects are numbered in the order they are made, so a parent's run comes before its
  // children's; each is made with room for exactly the members this shape gives it.
  for (size_t object = 0; object < members.size(); ++object) {
    const auto& run = members[object];
    program->runs_.push_back({static_cast<uint16_t>(object), static_cast<uint16_t>(run.size()),
                              static_cast<uint32_t>(program->steps_.size())});
    for (const Step& s : run) {
      program->steps_.push_back(s);
      if (s.made > 0) {
        program->steps_.back().arg = static_cast<uint32_t>(members[s.made].size());
        program->nested_members_ += program->steps_.back().arg;
      }
    }
  }
  return program;
}

void ShapeProgram::Store(const PCRE2_SIZE* ovector, std::string_view subject,
                         Object* fields) const {
  // The objects made so far, by number; 0 is the event's fields. Each is made with its final
  // member count, so these pointers stay valid while members are appended.
  std::array<Object*, FreshStorePlan::kMaxNodes + 1> made;  // NOLINT: written first
  made[0] = fields;
  struct BlockHold {  // the creator's reference, let go of at the end whatever happens
    MemberBlock* block = nullptr;
    ~BlockHold() {
      if (block != nullptr) block->Done();
    }
  } hold;
  if (nested_members_ > 0) hold.block = MemberBlock::Create(nested_members_ * sizeof(ObjectMember));
  MemberBlock* const block = hold.block;
  const char* const text_at = subject.data();
  const size_t text_size = subject.size();
  for (const Run& run : runs_) {
    // Captured by value: copies the compiler keeps in registers, where it would reload what a
    // reference shows after every byte stored (a char store may alias anything).
    const Step* const steps = steps_.data() + run.first;
    Object** const objects = made.data();
    made[run.object]->AppendBuilt(run.count, [steps, objects, block, ovector, text_at, text_size](
                                                 ObjectMember* at, size_t i) {
      const Step& s = steps[i];
      auto place = [&](auto&& init) -> Value& {
        return (new (at) ObjectMember(s.key, std::forward<decltype(init)>(init)))->value;
      };
      if (s.made > 0) {
        // The block has room for exactly the objects' members: the carve cannot fail (and so
        // cannot throw, with the member already built).
        Object& object = place(Object()).built_object();
        object.ReserveIn(block, s.arg);
        objects[s.made] = &object;
        return;
      }
      const PCRE2_SIZE begin = ovector[s.arg];
      const std::string_view text(text_at + begin, ovector[s.arg + 1] - begin);
      PlaceCaptured(place, text, s.conversion, text_size - begin);  // readable: the rest
    });
  }
}

size_t ShapeTable::size() const {
  return static_cast<size_t>(std::count_if(slots_.begin(), slots_.end(), [](const auto& slot) {
    return slot.load(std::memory_order_acquire) != nullptr;
  }));
}

ShapeTable::~ShapeTable() {
  for (auto& slot : slots_) delete slot.load(std::memory_order_relaxed);
}

const ShapeProgram* ShapeTable::Insert(std::unique_ptr<ShapeProgram> program) {
  const uint64_t shape = program->shape();
  for (size_t probe = 0, at = Home(shape); probe < kProbes; ++probe, at = (at + 1) % kSlots) {
    const ShapeProgram* expected = nullptr;
    if (slots_[at].compare_exchange_strong(expected, program.get(), std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
      return program.release();
    }
    if (expected->shape() == shape) return expected;  // another thread was first
  }
  full_.store(true, std::memory_order_relaxed);
  return nullptr;
}

}  // namespace perimeter::grok
