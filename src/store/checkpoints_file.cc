#include "store/checkpoints_file.h"

#include "store/byte_coding.h"
#include "store/checkpoints_format.h"

namespace perimeter::store {

std::string EncodeCheckpoints(const CheckpointsSnapshot& snapshot) {
  std::string out;
  out.append(kCheckpointsMagic);
  PutFixed32(&out, kCheckpointsVersion);
  PutFixed32(&out, static_cast<uint32_t>(snapshot.blobs.size()));
  PutFixed64(&out, snapshot.lsn);
  for (const auto& [key, blob] : snapshot.blobs) {
    PutFixed32(&out, static_cast<uint32_t>(key.size()));
    out += key;
    PutFixed32(&out, static_cast<uint32_t>(blob.size()));
    out += blob;
  }
  PutFixed64(&out, Checksum(out));
  return out;
}

Result<CheckpointsSnapshot> DecodeCheckpoints(std::string_view bytes, std::string_view path) {
  std::string where(path);
  if (bytes.size() < 8 + 4 + 4 + 8 + 8 || bytes.substr(0, 8) != kCheckpointsMagic) {
    return Status::Corruption(where + ": not a checkpoints file");
  }
  if (bytes.size() > kMaxCheckpointsFileBytes ||
      Checksum(bytes.substr(0, bytes.size() - 8)) != LoadFixed64(bytes.data() + bytes.size() - 8)) {
    return Status::Corruption(where + ": checksum mismatch");
  }
  ByteReader in(bytes.substr(8, bytes.size() - 16));
  uint32_t version = in.Fixed32();
  if (version != kCheckpointsVersion) {
    return Status::InvalidArgument(where + ": checkpoints format version " +
                                   std::to_string(version) + " is not one this build reads");
  }
  uint32_t n = in.Fixed32();
  CheckpointsSnapshot snap;
  snap.lsn = in.Fixed64();
  for (uint32_t i = 0; i < n && in.ok(); ++i) {
    std::string key(in.Raw(in.Fixed32()));
    std::string blob(in.Raw(in.Fixed32()));
    snap.blobs[std::move(key)] = std::move(blob);
  }
  if (!in.ok() || !in.empty()) return Status::Corruption(where + ": entries are malformed");
  return snap;
}

}  // namespace perimeter::store
