// geo_grid: documents per map tile at a zoom level, with the mean location of each tile's
// documents (the centroid), most populated tiles first. The point is the field's value as
// [lon, lat], "lat,lon" or an object {lat, lon} (geo_tile.h GeoPointOf), or two number fields
// (lat_field, lon_field).
#include <algorithm>
#include <bit>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "query/aggregator.h"
#include "query/column_cells.h"
#include "query/field_visitor.h"
#include "query/geo_tile.h"
#include "store/value_codec.h"

namespace perimeter::query {

namespace {

using store::ColumnBlock;
using store::ColumnType;

// Dependent location dictionaries up to this size (places: cities) are read as values to count
// rows per entry; larger ones are decoded row by row.
constexpr uint32_t kDependentDictionaryEntries = 4096;

// One tile's documents in one row group (what the block cache keeps per group).
struct GroupCell {
  uint64_t tile;
  uint64_t count = 0;
  double sum_lat = 0, sum_lon = 0;
};

class GeoGridAggregator final : public Aggregator {
 public:
  GeoGridAggregator(const AggregationSpec& spec, std::vector<std::unique_ptr<Aggregator>> children)
      : spec_(spec),
        lat_field_(spec.lat_field.empty() ? spec.field + ".lat" : spec.lat_field),
        lon_field_(spec.lon_field.empty() ? spec.field + ".lon" : spec.lon_field),
        children_(std::move(children)) {}

  Result<bool> CollectWhole(GroupData& data) override {
    if (!children_.empty()) return false;
    if (HasObjectForm(data)) {
      // {lat, lon} as two columns (the ECS location): the group's cells are counted from its
      // rows once and kept, so the next refresh reads them back.
      if (!spec_.field.empty() && data.columns().Field(spec_.field).ambiguous) return false;
      RETURN_IF_ERROR(AddCachedCellsOfRows(
          data,
          "geo-object:" + lat_field_ + ":" + lon_field_ + ":" + std::to_string(spec_.precision),
          std::nullopt));
      return true;
    }
    std::vector<size_t> columns;
    if (!WholeFieldDictionaries(data, spec_.field, &columns)) return false;
    for (size_t c : columns) {
      // A block's cells at this zoom, kept: locations repeat (a dictionary of cities).
      auto cells = data.Cached<std::vector<GroupCell>>(
          "geo:" + std::to_string(c) + ":" + std::to_string(spec_.precision),
          [&]() -> Result<std::shared_ptr<const std::vector<GroupCell>>> {
            std::unordered_map<uint64_t, size_t> at;
            auto made = std::make_shared<std::vector<GroupCell>>();
            auto add = [&](const GeoPoint& p, uint64_t count) {
              uint64_t tile = TileOf(p, spec_.precision).Pack();
              auto [it, inserted] = at.try_emplace(tile, made->size());
              if (inserted) made->push_back(GroupCell{tile});
              GroupCell& gc = (*made)[it->second];
              double n = static_cast<double>(count);
              gc.count += count;
              gc.sum_lat += p.lat * n;
              gc.sum_lon += p.lon * n;
            };
            if (data.part().column(c).key.type == ColumnType::kValue) {
              // [lon, lat] blobs read in place: no Value (an array of two) per entry.
              ASSIGN_OR_RETURN(const store::DictionaryTexts* blobs, data.Texts(c));
              for (uint32_t i = 0; i < blobs->size(); ++i) {
                GeoPoint p;
                std::optional<GeoPoint> point;
                if (store::DecodeFloatPair(blobs->Bytes(i), &p.lon, &p.lat)) {
                  if (ValidGeoPoint(p.lat, p.lon)) point = p;
                } else {
                  ASSIGN_OR_RETURN(Value v, store::DecodeValueBlob(blobs->Bytes(i)));
                  point = GeoPointOf(v);
                }
                if (point) add(*point, blobs->count(i));
              }
              return std::shared_ptr<const std::vector<GroupCell>>(std::move(made));
            }
            ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
            for (size_t i = 0; i < d->values.size(); ++i) {
              if (auto p = GeoPointOf(d->values[i])) add(*p, d->counts[i]);
            }
            return std::shared_ptr<const std::vector<GroupCell>>(std::move(made));
          },
          [](const std::vector<GroupCell>& v) { return v.size() * sizeof(GroupCell); });
      if (!cells.ok()) return cells.status();
      AddCells(**cells);
    }
    return true;
  }

  Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                    std::span<const uint32_t> rows) override {
    if (!children_.empty()) return false;
    RETURN_IF_ERROR(AddCachedCellsOfRows(data,
                                         "geo:" + spec_.field + ":" + lat_field_ + ":" +
                                             lon_field_ + ":" + std::to_string(spec_.precision) +
                                             "|" + std::string(filter),
                                         rows));
    return true;
  }

  Status Collect(GroupData& data, const RowBatch& batch) override {
    size_t n = batch.rows.size();
    has_.assign(n, 0);
    child_rows_.Clear();
    bool per_row = !children_.empty() || !batch.owners.empty();
    auto add_row = [&](size_t i, const GeoPoint& p) {
      uint32_t ord = Add(batch.owner(i), p, 1);
      if (!children_.empty()) {
        child_rows_.Add(batch.rows[i], ord);
      }
    };
    std::vector<size_t> dependent;
    if (!per_row && DependentColumns(data, &dependent)) {
      RETURN_IF_ERROR(CollectDependent(data, batch, dependent));
    } else {
      RETURN_IF_ERROR(VisitRows(data, batch, per_row, add_row));
    }
    if (HasObjectForm(data) &&
        (spec_.field.empty() || !data.columns().Field(spec_.field).ambiguous)) {
      RETURN_IF_ERROR(CollectObjectForm(data, batch, add_row));
    }
    return child_rows_.CollectInto(children_, data);
  }

  // The field's value columns in the group when each is a function of another column
  // (kDependent: the location of a city, of an address) with a small dictionary.
  bool DependentColumns(GroupData& data, std::vector<size_t>* columns) {
    if (spec_.field.empty()) return false;
    const FieldColumns& f = data.columns().Field(spec_.field);
    if (f.ambiguous) return false;
    columns->clear();
    for (size_t c : f.values) {
      const store::BlockMeta* m = data.block_meta(c);
      if (m == nullptr || data.part().column(c).key.type == ColumnType::kNull) continue;
      if (m->encoding != store::BlockEncoding::kDependent ||
          m->dictionary_size > kDependentDictionaryEntries || !data.HasValueDictionary(c)) {
        return false;
      }
      columns->push_back(c);
    }
    return true;
  }

  // One owner, dependent columns: rows counted per key code (the key's codes are usually
  // decoded already, for the filter), folded into counts per entry, and each entry's point
  // projected once — no location code per row is made.
  Status CollectDependent(GroupData& data, const RowBatch& batch,
                          const std::vector<size_t>& columns) {
    for (size_t c : columns) {
      ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
      ASSIGN_OR_RETURN(store::GroupReader::Dependent dep, data.ReadDependent(c));
      const uint32_t last = static_cast<uint32_t>(dep.by_key_code.size() - 1);
      const bool keyed = dep.key->codes.size() == data.rows();
      key_counts_.assign(dep.by_key_code.size(), 0);
      for (size_t i = 0; i < batch.rows.size(); ++i) {
        uint32_t slot = keyed ? std::min(dep.key->codes[batch.rows[i]], last) : last;
        ++key_counts_[slot];
        if (dep.by_key_code[slot] < d->values.size()) has_[i] = 1;
      }
      cell_counts_.assign(d->values.size(), 0);
      for (size_t k = 0; k < key_counts_.size(); ++k) {
        uint32_t e = dep.by_key_code[k];
        if (e < cell_counts_.size()) cell_counts_[e] += key_counts_[k];
      }
      for (size_t e = 0; e < cell_counts_.size(); ++e) {
        if (cell_counts_[e] == 0) continue;
        if (auto p = GeoPointOf(d->values[e])) Add(0, *p, cell_counts_[e]);
      }
    }
    return Status::OK();
  }

  // Collect's general path: the field's cells row by row (VisitField).
  template <typename AddRow>
  Status VisitRows(GroupData& data, const RowBatch& batch, bool per_row, AddRow& add_row) {
    const ColumnBlock* block = nullptr;
    bool by_code = false;
    auto flush = [&] {
      if (block == nullptr || !by_code || per_row) return;
      for (size_t cell = 0; cell < cell_counts_.size(); ++cell) {
        if (cell_counts_[cell] == 0) continue;
        if (auto p = GeoPointOf(CellValue(*block, true, static_cast<uint32_t>(cell)))) {
          Add(0, *p, cell_counts_[cell]);
        }
      }
    };
    RETURN_IF_ERROR(VisitField(
        data, spec_.field, batch,
        [&](const ColumnBlock& b, bool bc) {
          flush();
          block = &b;
          by_code = bc;
          if (!by_code) return;
          if (per_row) {
            cell_points_.assign(CellCount(b), std::nullopt);
            cell_done_.assign(CellCount(b), 0);
          } else {
            cell_counts_.assign(CellCount(b), 0);
          }
        },
        [&](size_t i, uint32_t cell) {
          has_[i] = 1;
          if (by_code && !per_row) {
            ++cell_counts_[cell];
            return;
          }
          if (by_code) {
            if (!cell_done_[cell]) {
              cell_points_[cell] = GeoPointOf(CellValue(*block, true, cell));
              cell_done_[cell] = 1;
            }
            if (cell_points_[cell]) add_row(i, *cell_points_[cell]);
            return;
          }
          if (auto p = GeoPointOf(CellValue(*block, false, cell))) add_row(i, *p);
        },
        [&](size_t i, const Value* v) {
          has_[i] = 1;
          if (v == nullptr) return;
          if (auto p = GeoPointOf(*v)) add_row(i, *p);
        }));
    flush();
    return Status::OK();
  }

  void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) override {
    auto& o = static_cast<GeoGridAggregator&>(other);
    std::vector<uint32_t> child_map(o.cells_.size(), kNoOwner);
    for (uint32_t i = 0; i < o.cells_.size(); ++i) {
      const Cell& c = o.cells_[i];
      if (c.owner >= owner_map.size()) continue;
      uint32_t owner = owner_map[c.owner];
      auto [it, inserted] =
          index_.try_emplace({owner, c.tile}, static_cast<uint32_t>(cells_.size()));
      if (inserted) cells_.push_back(Cell{owner, c.tile});
      Cell& mine = cells_[it->second];
      mine.count += c.count;
      mine.sum_lat += c.sum_lat;
      mine.sum_lon += c.sum_lon;
      child_map[i] = it->second;
    }
    for (size_t c = 0; c < children_.size(); ++c)
      children_[c]->MergeFrom(*o.children_[c], child_map);
  }

  Result<AggregationResult> Finish(uint32_t owner) override {
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    if (!indexed_) {
      by_owner_.resize(cells_.size());
      for (uint32_t o = 0; o < cells_.size(); ++o) by_owner_[o] = o;
      std::stable_sort(by_owner_.begin(), by_owner_.end(),
                       [&](uint32_t a, uint32_t b) { return cells_[a].owner < cells_[b].owner; });
      indexed_ = true;
    }
    auto lo = std::lower_bound(by_owner_.begin(), by_owner_.end(), owner,
                               [&](uint32_t ord, uint32_t o) { return cells_[ord].owner < o; });
    auto hi = std::upper_bound(lo, by_owner_.end(), owner,
                               [&](uint32_t o, uint32_t ord) { return o < cells_[ord].owner; });
    std::vector<uint32_t> ords(lo, hi);
    uint64_t total = 0;
    for (uint32_t o : ords) total += cells_[o].count;
    auto better = [&](uint32_t a, uint32_t b) {
      if (cells_[a].count != cells_[b].count) return cells_[a].count > cells_[b].count;
      return cells_[a].tile < cells_[b].tile;
    };
    size_t top = std::min(spec_.size, ords.size());
    std::partial_sort(ords.begin(), ords.begin() + static_cast<std::ptrdiff_t>(top), ords.end(),
                      better);
    uint64_t shown = 0;
    for (size_t i = 0; i < top; ++i) {
      const Cell& cell = cells_[ords[i]];
      AggregationBucket b;
      b.key = GeoTile::Unpack(cell.tile).ToString();
      b.doc_count = cell.count;
      shown += cell.count;
      double n = static_cast<double>(cell.count);
      b.centroid = GeoCentroid{cell.sum_lat / n, cell.sum_lon / n};
      for (auto& c : children_) {
        ASSIGN_OR_RETURN(AggregationResult cr, c->Finish(ords[i]));
        b.children.push_back(std::move(cr));
      }
      r.buckets.push_back(std::move(b));
    }
    r.sum_other_doc_count = total - shown;
    return r;
  }

 private:
  struct Cell {
    uint32_t owner;
    uint64_t tile;
    uint64_t count = 0;
    double sum_lat = 0, sum_lon = 0;
  };

  uint32_t Add(uint32_t owner, const GeoPoint& p, uint64_t count) {
    uint64_t tile = TileOf(p, spec_.precision).Pack();
    auto [it, inserted] = index_.try_emplace({owner, tile}, static_cast<uint32_t>(cells_.size()));
    if (inserted) cells_.push_back(Cell{owner, tile});
    Cell& c = cells_[it->second];
    c.count += count;
    c.sum_lat += p.lat * static_cast<double>(count);
    c.sum_lon += p.lon * static_cast<double>(count);
    return it->second;
  }

  // Adds the cells of `rows` of the group (nullopt: every row), counted once and kept in the
  // block cache under `key`.
  Status AddCachedCellsOfRows(GroupData& data, const std::string& key,
                              std::optional<std::span<const uint32_t>> rows) {
    auto cells = data.Cached<std::vector<GroupCell>>(
        key,
        [&]() -> Result<std::shared_ptr<const std::vector<GroupCell>>> {
          std::vector<uint32_t> every;
          if (!rows) {
            every.resize(data.rows());
            std::iota(every.begin(), every.end(), 0u);
          }
          GeoGridAggregator one(spec_, {});
          RETURN_IF_ERROR(one.Collect(data, RowBatch{rows ? *rows : every, {}}));
          auto made = std::make_shared<std::vector<GroupCell>>();
          for (const Cell& c : one.cells_) {
            made->push_back(GroupCell{c.tile, c.count, c.sum_lat, c.sum_lon});
          }
          return std::shared_ptr<const std::vector<GroupCell>>(std::move(made));
        },
        [](const std::vector<GroupCell>& v) { return v.size() * sizeof(GroupCell); });
    if (!cells.ok()) return cells.status();
    AddCells(**cells);
    return Status::OK();
  }

  void AddCells(const std::vector<GroupCell>& cells) {
    for (const GroupCell& gc : cells) {
      auto [it, inserted] = index_.try_emplace({0, gc.tile}, static_cast<uint32_t>(cells_.size()));
      if (inserted) cells_.push_back(Cell{0, gc.tile});
      Cell& cell = cells_[it->second];
      cell.count += gc.count;
      cell.sum_lat += gc.sum_lat;
      cell.sum_lon += gc.sum_lon;
    }
  }

  // The field as an object {lat, lon} stored as two columns.
  bool HasObjectForm(GroupData& data) {
    const FieldColumns& lat = data.columns().Field(lat_field_);
    const FieldColumns& lon = data.columns().Field(lon_field_);
    auto present = [&](const FieldColumns& f) {
      for (size_t c : f.values) {
        if (data.block_meta(c) != nullptr) return true;
      }
      return false;
    };
    return present(lat) && present(lon);
  }

  template <typename AddRow>
  Status CollectObjectForm(GroupData& data, const RowBatch& batch, AddRow& add_row) {
    // Rows without a value in the field's own columns whose lat and lon are numbers.
    auto numbers = [&](const std::string& name, std::vector<double>* out,
                       std::vector<uint8_t>* ok) -> Status {
      out->assign(batch.rows.size(), 0);
      ok->assign(batch.rows.size(), 0);
      const FieldColumns& f = data.columns().Field(name);
      if (f.ambiguous) return Status::OK();
      for (size_t c : f.values) {
        ColumnType t = data.part().column(c).key.type;
        if (data.block_meta(c) == nullptr || (t != ColumnType::kFloat && t != ColumnType::kInt)) {
          continue;
        }
        ASSIGN_OR_RETURN(const ColumnBlock* b, data.Block(c));
        for (size_t i = 0; i < batch.rows.size(); ++i) {
          uint32_t r = batch.rows[i];
          if (!b->present[r]) continue;
          (*out)[i] = t == ColumnType::kFloat ? b->floats[r] : static_cast<double>(b->ints[r]);
          (*ok)[i] = 1;
        }
      }
      return Status::OK();
    };
    std::vector<double> lat, lon;
    std::vector<uint8_t> lat_ok, lon_ok;
    RETURN_IF_ERROR(numbers(lat_field_, &lat, &lat_ok));
    RETURN_IF_ERROR(numbers(lon_field_, &lon, &lon_ok));
    if (children_.empty() && batch.owners.empty()) {
      // Rows of one place (a city) share a point: each distinct point is projected onto its
      // tile once, with its row count, instead of once per row.
      point_counts_.clear();
      for (size_t i = 0; i < batch.rows.size(); ++i) {
        if (has_[i] || !lat_ok[i] || !lon_ok[i] || !ValidGeoPoint(lat[i], lon[i])) continue;
        ++point_counts_[{std::bit_cast<uint64_t>(lat[i]), std::bit_cast<uint64_t>(lon[i])}];
      }
      for (const auto& [bits, count] : point_counts_) {
        Add(0, GeoPoint{std::bit_cast<double>(bits.first), std::bit_cast<double>(bits.second)},
            count);
      }
      return Status::OK();
    }
    for (size_t i = 0; i < batch.rows.size(); ++i) {
      if (has_[i] || !lat_ok[i] || !lon_ok[i] || !ValidGeoPoint(lat[i], lon[i])) continue;
      add_row(i, GeoPoint{lat[i], lon[i]});
    }
    return Status::OK();
  }

  struct PointHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& p) const {
      return static_cast<size_t>(p.first * 0x9e3779b97f4a7c15ULL ^ (p.second + (p.first >> 7)));
    }
  };

  AggregationSpec spec_;
  // Rows per distinct point (double bits) of one batch, for CollectObjectForm.
  std::unordered_map<std::pair<uint64_t, uint64_t>, uint64_t, PointHash> point_counts_;
  // Where a point given as two numbers is: the field's lat and lon members, or two fields.
  std::string lat_field_, lon_field_;
  std::vector<std::unique_ptr<Aggregator>> children_;
  std::vector<Cell> cells_;
  struct CellKeyHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& k) const {
      return std::hash<uint64_t>()(k.second ^
                                   (static_cast<uint64_t>(k.first) * 0x9e3779b97f4a7c15ull));
    }
  };
  std::unordered_map<std::pair<uint32_t, uint64_t>, uint32_t, CellKeyHash> index_;
  std::vector<uint32_t> by_owner_;  // Finish: ordinals sorted by owner
  bool indexed_ = false;
  std::vector<uint8_t> has_;
  std::vector<uint64_t> key_counts_;
  std::vector<uint64_t> cell_counts_;
  std::vector<std::optional<GeoPoint>> cell_points_;
  std::vector<uint8_t> cell_done_;
  ChildRows child_rows_;
};

}  // namespace

std::unique_ptr<Aggregator> NewGeoGridAggregator(
    const AggregationSpec& spec, std::vector<std::unique_ptr<Aggregator>> children) {
  return std::make_unique<GeoGridAggregator>(spec, std::move(children));
}

}  // namespace perimeter::query
