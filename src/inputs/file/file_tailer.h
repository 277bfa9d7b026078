// FileTailer: reads one open file from an offset in large chunks and cuts it into lines at the
// delimiter; a last line without its delimiter stays buffered until the rest of it arrives.
// Owns the descriptor. Used by the file input's thread only.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

// A line this long is surely not a log line (a binary file, a missing delimiter); it is cut
// there so that the buffer of a file without delimiters cannot grow without bound.
constexpr size_t kMaxLineBytes = 16u << 20;

class FileTailer {
 public:
  // Takes ownership of `fd`; the first line read starts at `offset`.
  FileTailer(int fd, std::string delimiter, size_t chunk_size, uint64_t offset);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  int fd() const { return fd_; }

  // Appends up to one chunk from the file to the buffer; returns the bytes read. `path` is for
  // error messages.
  Result<size_t> Fill(std::string_view path);
  // True when the last Fill got fewer bytes than it asked for: the end of the file, for now.
  bool at_end() const { return at_end_; }

  // The next complete line in the buffer, without its delimiter (or the first kMaxLineBytes of an
  // overlong one). False when only a partial line (or nothing) is left. Call until false after
  // every Fill.
  bool NextLine(std::string_view* line) {
    const char* base = buf_.get();
    const char* hit = nullptr;
    if (delimiter_.size() == 1) {
      hit = static_cast<const char*>(std::memchr(base + scan_, delimiter_[0], end_ - scan_));
    } else {
      hit = static_cast<const char*>(
          memmem(base + scan_, end_ - scan_, delimiter_.data(), delimiter_.size()));
    }
    if (hit == nullptr) return CutOrHold(line);
    *line = std::string_view(base + begin_, static_cast<size_t>(hit - (base + begin_)));
    begin_ = static_cast<size_t>(hit - base) + delimiter_.size();
    scan_ = begin_;
    return true;
  }

  // The file offset just past the last line NextLine returned: where reading resumes.
  uint64_t line_end_offset() const { return read_offset_ - (end_ - begin_); }
  // The file offset just past the bytes read so far.
  uint64_t read_offset() const { return read_offset_; }
  // Bytes held back as an incomplete last line.
  size_t buffered_bytes() const { return end_ - begin_; }

  // Drops the buffer and continues from `offset` (the file was truncated or rewritten).
  void Restart(uint64_t offset);

  // Gives back the read buffer of a file that has nothing more to read for now, keeping only a
  // held partial line, so that thousands of idle files do not each pin a chunk of memory.
  void ReleaseBuffer();
  size_t buffer_capacity() const { return capacity_; }

  // Lines cut at kMaxLineBytes so far.
  uint64_t cut_lines() const { return cut_lines_; }

 private:
  bool CutOrHold(std::string_view* line);

  int fd_;
  std::string delimiter_;
  size_t chunk_size_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t begin_ = 0;  // start of the first unreturned line
  size_t scan_ = 0;   // where the delimiter search resumes (bytes before it hold none)
  size_t end_ = 0;    // end of the bytes read
  uint64_t read_offset_;
  bool at_end_ = false;
  uint64_t cut_lines_ = 0;
};

}  // namespace perimeter
