#include "store/wal.h"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "store/byte_coding.h"
#include "store/wal_format.h"

namespace perimeter::store {

std::string WalRecordHeader(uint8_t type, uint64_t lsn, std::string_view payload) {
  std::string h;
  PutFixed32(&h, static_cast<uint32_t>(payload.size()));
  h.push_back(static_cast<char>(type));
  PutFixed64(&h, lsn);
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, h.data() + 4, 9);
  XXH3_64bits_update(state, payload.data(), payload.size());
  PutFixed64(&h, XXH3_64bits_digest(state));
  XXH3_freeState(state);
  return h;
}

void AppendWalRecord(std::string* out, uint8_t type, uint64_t lsn, std::string_view payload) {
  size_t start = out->size();
  PutFixed32(out, static_cast<uint32_t>(payload.size()));
  out->push_back(static_cast<char>(type));
  PutFixed64(out, lsn);
  // Checksum over type, LSN and payload without copying them together.
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, out->data() + start + 4, 9);
  XXH3_64bits_update(state, payload.data(), payload.size());
  PutFixed64(out, XXH3_64bits_digest(state));
  XXH3_freeState(state);
  out->append(payload);
}

std::string WalSegmentPath(const std::string& dir, uint64_t first_lsn) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(first_lsn));
  return dir + "/" + name + std::string(kWalSuffix);
}

uint64_t WalSegmentFirstLsn(std::string_view name) {
  if (name.size() != 20 + kWalSuffix.size() || name.substr(20) != kWalSuffix) return 0;
  uint64_t v = 0;
  for (char c : name.substr(0, 20)) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

Result<std::unique_ptr<WalWriter>> WalWriter::Create(FileSystem* fs, const std::string& dir,
                                                     uint64_t first_lsn) {
  std::string path = WalSegmentPath(dir, first_lsn);
  ASSIGN_OR_RETURN(auto file, fs->NewWritableFile(path));
  std::string header;
  header.append(kWalMagic);
  PutFixed32(&header, kWalVersion);
  PutFixed32(&header, 0);
  PutFixed64(&header, first_lsn);
  PutFixed64(&header, Checksum(header));
  Status s = file->Append(header);
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = fs->SyncDir(dir);
  if (!s.ok()) {
    (void)file->Close();
    (void)fs->RemoveFile(path);
    return s;
  }
  std::unique_ptr<WalWriter> w(new WalWriter(std::move(file), path, first_lsn));
  w->good_size_ = header.size();
  return w;
}

Status WalWriter::WritePieces(std::span<const std::string_view> pieces) {
  uint64_t bytes = 0;
  for (std::string_view p : pieces) bytes += p.size();
  Status s = file_->AppendPieces(pieces);
  if (s.ok()) {
    good_size_ += bytes;
    return s;
  }
  Status t = file_->Truncate(good_size_);
  if (!t.ok()) {
    return Status::IOError(s.message() + "; and cutting the WAL back failed too: " + t.message());
  }
  return s;
}

Status WalWriter::Write(std::string_view records) {
  Status s = file_->Append(records);
  if (s.ok()) {
    good_size_ += records.size();
    return s;
  }
  // Undo the partial write so the segment ends on a whole record; shrinking needs no space.
  Status t = file_->Truncate(good_size_);
  if (!t.ok()) {
    return Status::IOError(s.message() + "; and cutting the WAL back failed too: " + t.message());
  }
  return s;
}

Result<WalSegment> ReadWalSegment(const std::string& path) {
  WalSegment seg;
  ASSIGN_OR_RETURN(seg.bytes, ReadWholeFile(path));
  const std::string& b = seg.bytes;
  if (b.size() < kWalHeaderBytes) {
    return Status::Corruption(path + ": WAL segment header is incomplete (" +
                              std::to_string(b.size()) + " bytes)");
  }
  if (std::string_view(b).substr(0, 8) != kWalMagic ||
      Checksum(std::string_view(b).substr(0, 24)) != LoadFixed64(b.data() + 24)) {
    return Status::Corruption(path + ": not a WAL segment or its header is damaged");
  }
  uint32_t version = LoadFixed32(b.data() + 8);
  if (version != kWalVersion) {
    return Status::InvalidArgument(path + ": WAL format version " + std::to_string(version) +
                                   " is not one this build reads (" + std::to_string(kWalVersion) +
                                   "): run the perimeter version that wrote it");
  }
  seg.first_lsn = LoadFixed64(b.data() + 16);
  size_t pos = kWalHeaderBytes;
  seg.good_bytes = pos;
  uint64_t last_lsn = 0;
  while (pos < b.size()) {
    if (b.size() - pos < kWalRecordHeaderBytes) {
      seg.stop_reason = "record header cut short";
      break;
    }
    uint32_t len = LoadFixed32(b.data() + pos);
    uint8_t type = static_cast<uint8_t>(b[pos + 4]);
    uint64_t lsn = LoadFixed64(b.data() + pos + 5);
    uint64_t sum = LoadFixed64(b.data() + pos + 13);
    if (len > kMaxWalRecordBytes) {
      seg.stop_reason = "record length " + std::to_string(len) + " is impossible";
      break;
    }
    if (b.size() - pos - kWalRecordHeaderBytes < len) {
      seg.stop_reason = "record payload cut short";
      break;
    }
    std::string_view payload(b.data() + pos + kWalRecordHeaderBytes, len);
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, b.data() + pos + 4, 9);
    XXH3_64bits_update(state, payload.data(), payload.size());
    uint64_t want = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    if (want != sum) {
      seg.stop_reason = "record checksum mismatch";
      break;
    }
    if (type != kWalRecordCommit || lsn <= last_lsn || lsn < seg.first_lsn) {
      seg.stop_reason = "record with unknown type or out-of-order LSN";
      break;
    }
    last_lsn = lsn;
    seg.records.push_back({type, lsn, payload});
    pos += kWalRecordHeaderBytes + len;
    seg.good_bytes = pos;
  }
  return seg;
}

}  // namespace perimeter::store
