#include "inputs/file/file_tailer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace perimeter {

FileTailer::FileTailer(int fd, std::string delimiter, size_t chunk_size, uint64_t offset)
    : fd_(fd),
      delimiter_(std::move(delimiter)),
      chunk_size_(std::max<size_t>(chunk_size, 1)),
      buf_(std::make_unique_for_overwrite<char[]>(chunk_size_)),
      capacity_(chunk_size_),
      read_offset_(offset) {}

FileTailer::~FileTailer() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> FileTailer::Fill(std::string_view path) {
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  // Reads of less than half a chunk would make a long partial line cost many syscalls.
  if (capacity_ - end_ < chunk_size_ / 2 + 1 && capacity_ < kMaxLineBytes + chunk_size_) {
    size_t grown =
        std::min(std::max(capacity_ * 2, end_ + chunk_size_), kMaxLineBytes + chunk_size_);
    auto bigger = std::make_unique_for_overwrite<char[]>(grown);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    capacity_ = grown;
  }
  size_t want = std::min(capacity_ - end_, chunk_size_);
  ssize_t n;
  do {
    n = ::pread(fd_, buf_.get() + end_, want, static_cast<off_t>(read_offset_));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::FromErrno("cannot read", path, errno);
  size_t got = static_cast<size_t>(n);
  end_ += got;
  read_offset_ += got;
  at_end_ = got < want;
  return got;
}

bool FileTailer::CutOrHold(std::string_view* line) {
  // A multi-byte delimiter may be split across reads: rescan its possible start next time.
  scan_ = std::max(begin_, end_ - std::min(end_, delimiter_.size() - 1));
  if (end_ - begin_ < kMaxLineBytes) return false;
  ++cut_lines_;
  *line = std::string_view(buf_.get() + begin_, kMaxLineBytes);
  begin_ += kMaxLineBytes;
  scan_ = std::max(scan_, begin_);
  return true;
}

void FileTailer::ReleaseBuffer() {
  const size_t held = end_ - begin_;
  // Small enough to be nothing per file, large enough for a typical partial log line.
  constexpr size_t kIdleBufferBytes = 4096;
  const size_t keep = std::max(held, std::min(kIdleBufferBytes, chunk_size_));
  if (capacity_ <= keep) return;
  auto smaller = std::make_unique_for_overwrite<char[]>(keep);
  std::memcpy(smaller.get(), buf_.get() + begin_, held);
  buf_ = std::move(smaller);
  capacity_ = keep;
  scan_ -= begin_;
  end_ = held;
  begin_ = 0;
}

void FileTailer::Restart(uint64_t offset) {
  begin_ = scan_ = end_ = 0;
  read_offset_ = offset;
  at_end_ = false;
}

}  // namespace perimeter
