#include "verify.hpp"

#include "selection.hpp"

#include <algorithm>

namespace bulkflow::bulk {

boost::json::object verify_sample(Dialect& db, const Model& m, const RecordStream& input, const ConvertOptions& convert,
                                  std::size_t sample, const std::vector<std::string>& fields) {
    std::size_t checked = 0, mismatched = 0;
    boost::json::array bad;
    auto cursor = input.open();
    RecordBatch raw;
    while (checked < sample && cursor->next(raw, std::min<std::size_t>(sample - checked, 1000))) {
        const auto converted = convert_batch(m, raw, convert);
        for (const auto& g : converted.groups) {
            for (std::size_t r = 0; r < g.rows() && checked < sample; ++r) {
                boost::json::object filter;
                for (std::size_t c = 0; c < g.columns().size(); ++c) {
                    const Field& f = *g.columns()[c];
                    const bool wanted = fields.empty() ? f.type != FieldType::json
                                                       : std::find(fields.begin(), fields.end(), f.name) != fields.end();
                    if (wanted) filter[f.name] = to_json(g.at(r, c));
                }
                const boost::json::value filter_value(std::move(filter));
                Selection sel = make_selection(m, &filter_value, nullptr, true);
                ++checked;
                if (count_rows(db, m, sel) == 0) {
                    ++mismatched;
                    if (bad.size() < 10) bad.push_back(static_cast<std::int64_t>(g.record_index(r)));
                }
            }
        }
    }
    return {{"checked", static_cast<std::int64_t>(checked)}, {"mismatched", static_cast<std::int64_t>(mismatched)},
            {"mismatched_indexes", bad}};
}

} // namespace bulkflow::bulk
