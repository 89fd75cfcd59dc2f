#include "key_order.hpp"

#include <bulkflow/model.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <functional>

namespace bulkflow::bulk {
namespace {

std::uint64_t hash_value(const SqlValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::hash<std::int64_t>{}(*i);
    if (const auto* s = std::get_if<std::string>(&v)) return std::hash<std::string>{}(*s);
    return std::hash<std::string>{}(boost::json::serialize(to_json(v)));
}

bool intersects(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    auto i = a.begin(), j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i == *j) return true;
        if (*i < *j) ++i;
        else ++j;
    }
    return false;
}

} // namespace

std::vector<std::uint64_t> conflict_key_hashes(const ConvertedBatch& batch, const std::vector<std::vector<std::string>>& keys) {
    std::vector<std::uint64_t> out;
    for (const auto& rows : batch.groups) {
        for (std::size_t k = 0; k < keys.size(); ++k) {
            std::vector<std::size_t> pos;
            for (const auto& c : keys[k]) pos.push_back(rows.column_of(c));
            if (std::find(pos.begin(), pos.end(), rows.columns().size()) != pos.end()) continue;  // not in these rows
            for (std::size_t r = 0; r < rows.rows(); ++r) {
                std::uint64_t h = (0x9E3779B97F4A7C15ull + k) * 0x100000001B3ull;
                bool null = false;
                for (const auto p : pos) {
                    if (is_null(rows.at(r, p))) {
                        null = true;
                        break;
                    }
                    h = (h ^ hash_value(rows.at(r, p))) * 0x100000001B3ull;
                }
                if (!null) out.push_back(h);
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void KeyOrder::admit(std::size_t sequence, const std::vector<std::uint64_t>& keys) {
    std::unique_lock lock(m_);
    if (!aborted_ && conflicts(keys)) {
        ++waits_;
        cv_.wait(lock, [&] { return aborted_ || !conflicts(keys); });
    }
    if (!aborted_) running_.emplace(sequence, &keys);
}

void KeyOrder::finish(std::size_t sequence) {
    {
        std::lock_guard lock(m_);
        running_.erase(sequence);
    }
    cv_.notify_all();
}

void KeyOrder::abort() {
    {
        std::lock_guard lock(m_);
        aborted_ = true;
    }
    cv_.notify_all();
}

bool KeyOrder::aborted() const {
    std::lock_guard lock(m_);
    return aborted_;
}

std::size_t KeyOrder::waits() const {
    std::lock_guard lock(m_);
    return waits_;
}

bool KeyOrder::conflicts(const std::vector<std::uint64_t>& keys) const {
    return std::any_of(running_.begin(), running_.end(), [&](const auto& r) { return intersects(*r.second, keys); });
}

} // namespace bulkflow::bulk
