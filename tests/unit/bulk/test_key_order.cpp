// KeyOrder: batches sharing a conflict key are admitted in input order only after the earlier
// one finished; disjoint batches run together.

#include "key_order.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

using namespace bulkflow;
using namespace bulkflow::bulk;

namespace {

const Model& item() {
    static const Model m = Model::from_json("Item", boost::json::parse(R"({"fields": {"sku": "str", "n": "int"}})"));
    return m;
}

ConvertedBatch batch(std::initializer_list<std::pair<std::int64_t, const char*>> rows) {
    const Model& m = item();
    std::vector<const Field*> cols{&m.id_field(), m.find("sku")};
    RowBatch b(cols);
    std::size_t i = 0;
    for (const auto& [id, sku] : rows) {
        std::vector<SqlValue> v{SqlValue{id}, sku ? SqlValue{std::string(sku)} : SqlValue{}};
        b.add_row(std::move(v), i++);
    }
    ConvertedBatch c;
    c.groups.push_back(std::move(b));
    return c;
}

} // namespace

TEST_CASE("conflict key hashes: equal keys equal, NULL keys left out", "[bulk][key_order]") {
    const auto a = conflict_key_hashes(batch({{1, "a"}, {2, "b"}, {1, "a"}}), {{"id"}});
    CHECK(a.size() == 2);  // distinct
    const auto b = conflict_key_hashes(batch({{2, "z"}, {3, "y"}}), {{"id"}});
    const auto two = conflict_key_hashes(batch({{2, "q"}}), {{"id"}}).at(0);  // id 2, whatever its sku
    CHECK(std::count(a.begin(), a.end(), two) == 1);
    CHECK(std::count(b.begin(), b.end(), two) == 1);
    CHECK(std::count(a.begin(), a.end(), conflict_key_hashes(batch({{3, "y"}}), {{"id"}}).at(0)) == 0);
    CHECK(conflict_key_hashes(batch({{1, nullptr}, {2, nullptr}}), {{"sku"}}).empty());
    CHECK(conflict_key_hashes(batch({{1, "a"}, {1, "b"}}), {{"id", "sku"}}).size() == 2);
    CHECK(conflict_key_hashes(batch({{1, "a"}}), {{"missing"}}).empty());
    // Several keys: a row conflicts through any of them, and equal values of different keys do not meet.
    CHECK(conflict_key_hashes(batch({{1, "a"}, {2, "b"}}), {{"id"}, {"sku"}}).size() == 4);
    const auto by_sku = conflict_key_hashes(batch({{7, "b"}}), {{"id"}, {"sku"}});
    const auto other = conflict_key_hashes(batch({{1, "a"}, {2, "b"}}), {{"id"}, {"sku"}});
    CHECK(std::count_if(by_sku.begin(), by_sku.end(), [&](auto h) { return std::count(other.begin(), other.end(), h) > 0; }) == 1);
}

TEST_CASE("a batch sharing a key waits for the earlier batch; a disjoint one does not", "[bulk][key_order]") {
    KeyOrder order;
    const auto first = conflict_key_hashes(batch({{1, "a"}, {2, "b"}}), {{"id"}});
    const auto disjoint = conflict_key_hashes(batch({{3, "c"}}), {{"id"}});
    const auto shared = conflict_key_hashes(batch({{4, "d"}, {2, "b"}}), {{"id"}});
    order.admit(0, first);
    order.admit(1, disjoint);  // returns at once
    CHECK(order.waits() == 0);

    std::atomic<bool> admitted{false};
    std::thread later([&] {
        order.admit(2, shared);
        admitted = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(admitted.load());  // batch 0 still holds key 2
    order.finish(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(admitted.load());  // finishing an unrelated batch does not release it
    order.finish(0);
    later.join();
    CHECK(admitted.load());
    CHECK(order.waits() == 1);
    order.finish(2);
}
