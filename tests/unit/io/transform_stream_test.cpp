// MapNode and FilterNode stream: input read lazily batch by batch, bounded batches, counts.
#include "io_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/io/csv_stream.hpp>
#include <bulkflow/io/io_nodes.hpp>

#include <algorithm>
#include <memory>

using namespace iotest;

namespace {

/// What the consumers of a GeneratorStream asked for.
struct PullLog {
    std::size_t pulls = 0;     ///< next() calls
    std::size_t max_asked = 0; ///< largest max_rows
    std::size_t produced = 0;  ///< records handed out
};

/// `n` records made on demand: {"n": i, "name": "item-i"} (no "name" when i % 10 == 0).
class GeneratorStream final : public bulkflow::RecordStream {
public:
    GeneratorStream(std::size_t n, std::shared_ptr<PullLog> log) : n_(n), log_(std::move(log)) {}

    [[nodiscard]] std::unique_ptr<bulkflow::RecordCursor> open() const override {
        return std::make_unique<Cursor>(n_, log_, this);
    }

private:
    class Cursor final : public bulkflow::RecordCursor {
    public:
        Cursor(std::size_t n, std::shared_ptr<PullLog> log, const GeneratorStream* owner)
            : n_(n), log_(std::move(log)), owner_(owner) {}
        bool next(bulkflow::RecordBatch& out, std::size_t max_rows) override {
            out.clear();
            out.first_index = pos_;
            ++log_->pulls;
            log_->max_asked = std::max(log_->max_asked, max_rows);
            const std::size_t n_col = out.add_column("n");
            const std::size_t name_col = out.add_column("name");
            for (; pos_ < n_ && out.size() < max_rows; ++pos_) {
                const std::size_t r = out.add_row();
                out.set(n_col, r, json::value(static_cast<std::int64_t>(pos_)));
                if (pos_ % 10 != 0)
                    out.set(name_col, r, json::value("item-" + std::to_string(pos_)));
            }
            log_->produced += out.size();
            owner_->add_read(out.size());
            return !out.empty();
        }

    private:
        std::size_t n_;
        std::shared_ptr<PullLog> log_;
        const GeneratorStream* owner_;
        std::size_t pos_ = 0;
    };
    std::size_t n_;
    std::shared_ptr<PullLog> log_;
};

/// Runs a transform node on `input` with `params` (plus data = the stream); returns its stream.
bulkflow::StreamPtr transform(const bulkflow::NodeFactory& factory, bulkflow::StreamPtr input,
                              const json::object& params) {
    bulkflow::Params p = make_params(params);
    p.set("data", bulkflow::Param(std::move(input)));
    TestContext ctx;
    auto out = factory.create()->run(ctx, p);
    REQUIRE(out.streams.count("records") == 1);
    return out.streams.at("records");
}

constexpr std::size_t kRecords = 200'000;

} // namespace

TEST_CASE("FilterNode pulls its input batch by batch and fills bounded batches",
          "[io][filter][stream]") {
    auto log = std::make_shared<PullLog>();
    auto gen = std::make_shared<GeneratorStream>(kRecords, log);
    auto filtered = transform(*bulkflow::io::filter_node_factory(), gen,
                              {{"where", "n % 5 = 0 or name = 'item-7'"}});
    CHECK(log->pulls == 0); // nothing read before a consumer opens the stream
    CHECK_FALSE(filtered->size_hint().has_value());

    auto cur = filtered->open();
    bulkflow::RecordBatch batch;
    REQUIRE(cur->next(batch, 1000));
    CHECK(batch.size() == 1000);
    CHECK(batch.first_index == 0);
    // 1,000 kept records need ~5,000 input records: five pulls, not the whole input
    CHECK(log->produced <= 6000);
    CHECK(log->pulls <= 6);
    CHECK(batch.row(0) == json::object{{"n", 0}}); // no name: absent stays absent
    CHECK(batch.row(1) == json::object{{"n", 5}, {"name", "item-5"}});
    CHECK(batch.row(2) == json::object{{"n", 7}, {"name", "item-7"}});

    std::size_t total = batch.size();
    std::size_t batches = 1;
    std::size_t expected_first = batch.size();
    std::int64_t last_n = -1;
    bool sizes_ok = true, order_ok = true, indices_ok = true;
    while (cur->next(batch, 1000)) {
        sizes_ok = sizes_ok && batch.size() <= 1000;
        indices_ok = indices_ok && batch.first_index == expected_first;
        expected_first += batch.size();
        total += batch.size();
        ++batches;
        const auto n_col = batch.find_column("n");
        REQUIRE(n_col);
        for (std::size_t r = 0; r < batch.size(); ++r) {
            const std::int64_t n = batch.get(*n_col, r)->as_int64();
            order_ok = order_ok && n > last_n && n % 5 == 0;
            last_n = n;
        }
    }
    CHECK(sizes_ok);
    CHECK(order_ok);
    CHECK(indices_ok);
    CHECK(total == kRecords / 5 + 1);
    CHECK(batches == (total + 999) / 1000); // full batches except the last
    // the input was read in bounded batches, each once
    CHECK(log->produced == kRecords);
    CHECK(log->max_asked <= 1000);
    CHECK(log->pulls >= kRecords / 1000);
    CHECK(log->pulls <= kRecords / 1000 + 2);
    CHECK(gen->records_read() == kRecords);
    CHECK(filtered->records_read() == total);
    CHECK_FALSE(cur->next(batch, 1000)); // stays at the end
    CHECK(batch.empty());
}

TEST_CASE("MapNode over FilterNode streams 200,000 records lazily", "[io][map][stream]") {
    auto log = std::make_shared<PullLog>();
    auto gen = std::make_shared<GeneratorStream>(kRecords, log);
    auto filtered = transform(*bulkflow::io::filter_node_factory(), gen, {{"where", "n % 2 = 1"}});
    auto mapped = transform(
        *bulkflow::io::map_node_factory(), filtered,
        {{"fields",
          {{"double", "n * 2"}, {"name", "coalesce(upper(name), 'ANON')"}, {"half", "n / 2"}}}});

    auto cur = mapped->open();
    bulkflow::RecordBatch batch;
    REQUIRE(cur->next(batch, 5000));
    CHECK(batch.size() == 5000);
    CHECK(log->produced <= 15000); // about 10,000 input records for 5,000 odd ones
    CHECK(batch.row(0) ==
          json::object{{"n", 1}, {"name", "ITEM-1"}, {"double", 2}, {"half", "0.5"}});

    std::size_t total = batch.size();
    std::size_t largest = batch.size();
    bool values_ok = true;
    while (cur->next(batch, 5000)) {
        total += batch.size();
        largest = std::max(largest, batch.size());
        const auto n_col = batch.find_column("n");
        const auto d_col = batch.find_column("double");
        REQUIRE(n_col);
        REQUIRE(d_col);
        for (std::size_t r = 0; r < batch.size(); ++r)
            values_ok = values_ok &&
                        batch.get(*d_col, r)->as_int64() == 2 * batch.get(*n_col, r)->as_int64();
    }
    CHECK(values_ok);
    CHECK(largest <= 5000);
    CHECK(total == kRecords / 2);
    CHECK(log->produced == kRecords);
    CHECK(log->max_asked <= 5000);
    CHECK(log->pulls >= kRecords / 5000);
    CHECK(gen->records_read() == kRecords);
    CHECK(filtered->records_read() == kRecords / 2);
    CHECK(mapped->records_read() == kRecords / 2);
}

TEST_CASE("MapNode reads exactly one input batch per output batch", "[io][map][stream]") {
    auto log = std::make_shared<PullLog>();
    auto gen = std::make_shared<GeneratorStream>(kRecords, log);
    auto mapped = transform(*bulkflow::io::map_node_factory(), gen,
                            {{"fields", {{"tag", "concat(n, ':', coalesce(name, '-'))"}}}});
    auto cur = mapped->open();
    bulkflow::RecordBatch batch;
    std::size_t total = 0;
    for (std::size_t i = 0; cur->next(batch, 777); ++i) {
        CHECK(log->pulls == i + 1);
        CHECK(batch.first_index == total);
        if (i == 0) {
            CHECK(batch.row(0).at("tag") == json::value("0:-"));
            CHECK(batch.row(1).at("tag") == json::value("1:item-1"));
        }
        total += batch.size();
        if (log->pulls != i + 1) break;
    }
    CHECK(total == kRecords);
    CHECK(log->produced == kRecords);
    CHECK(mapped->records_read() == kRecords);
}

TEST_CASE("Map/Filter streams can be opened again and by several consumers", "[io][stream]") {
    const json::array data = json::parse(R"([{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}])").as_array();
    bulkflow::Params p = make_params({{"data", data}, {"where", "x > 1"}});
    TestContext ctx;
    auto filtered =
        bulkflow::io::filter_node_factory()->create()->run(ctx, p).streams.at("records");
    auto a = filtered->open();
    auto b = filtered->open();
    bulkflow::RecordBatch ba, bb;
    REQUIRE(a->next(ba, 1));
    REQUIRE(b->next(bb, 2));
    CHECK(ba.row(0) == json::object{{"x", 2}});
    CHECK(bb.row(1) == json::object{{"x", 3}});
    REQUIRE(a->next(ba, 5));
    CHECK(ba.size() == 2);
    CHECK(ba.first_index == 1);
    CHECK(read_all(*filtered).size() == 3);
    CHECK(filtered->records_read() == 1 + 2 + 2 + 3);
}

TEST_CASE("MapNode and FilterNode read an exact number as an exact decimal", "[io][numbers]") {
    json::array data;
    data.push_back(json::object{{"n", json::object{{"$number", "9007199254740993.0"}}}});
    data.push_back(json::object{{"n", 1}});
    auto input = std::make_shared<bulkflow::ArrayStream>(std::move(data));
    auto kept = transform(*bulkflow::io::filter_node_factory(), input, {{"where", "n > 9007199254740992"}});
    auto mapped = transform(*bulkflow::io::map_node_factory(), kept, {{"fields", {{"m", "n + 1"}}}});
    const auto rows = read_all(*mapped);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].at("m") == json::value("9007199254740994.0"));  // exact, as decimals are
}

TEST_CASE("FilterNode keeps the empty-unquoted mark of CSV cells", "[io][numbers]") {
    TempDir dir;
    const auto path = dir.write("m.csv", "a,b\n1,\n2,x\n");
    bulkflow::io::CsvOptions o;
    o.path = path;
    auto csv = std::make_shared<bulkflow::io::CsvStream>(o);
    auto kept = transform(*bulkflow::io::filter_node_factory(), csv, {{"where", "a = '1'"}});
    auto cursor = kept->open();
    bulkflow::RecordBatch b;
    REQUIRE(cursor->next(b, 10));
    REQUIRE(b.size() == 1);
    CHECK(b.is_empty_unquoted(*b.find_column("b"), 0));
}
