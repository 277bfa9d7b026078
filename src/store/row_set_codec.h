// The columnar batch codec: a RowSet as bytes, the body of a WAL commit record. Column names
// are written once per batch and values column by column, so encoding is a few bulk copies
// per column rather than work per field. Stateless functions; thread-safe.
//
//   varint rows · varint columns · per column:
//     varint path parts, each (varint length, bytes) · u8 type ·
//     u8 presence (0 every row, 1 bitmap of ceil(rows/8) bytes follows) ·
//     values of the present rows: int/timestamp/bool zz each; float 8 bytes each;
//     string/value varint length each, then the bytes; null nothing
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "store/byte_coding.h"
#include "store/row_set.h"

namespace perimeter::store {

void EncodeRowSet(const RowSet& rows, std::string* out);
// Decodes a batch (sealed; timestamps from its @timestamp column). Corruption on damage.
Status DecodeRowSet(ByteReader* in, RowSet* out);

}  // namespace perimeter::store
