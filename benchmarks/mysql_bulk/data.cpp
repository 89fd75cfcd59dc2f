// The generated rows (the values of benchmarks/postgres_bulk/data.cpp): CSV for LOAD DATA and
// JSON lines for bulkflow. Row i (1-based) is row i of every file, and gets id i once loaded.

#include "bench.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace bench {
namespace {

const char* const kCategories[] = {"electronics", "books", "kitchen", "garden", "toys"};

/// One row's values as text. `changed` gives the values the upsert writes over row i.
struct Row {
    char name[48], price[16], date[12], time[12];
    const char* category;
    long stock;
    bool active;
};

Row product(long i, bool changed) {
    Row r{};
    const long k = changed ? i + 7 : i;
    std::snprintf(r.name, sizeof r.name, changed ? "Product %ld v2" : "Product %ld", i);
    std::snprintf(r.price, sizeof r.price, "%ld.%02ld", k % 1000, (k * 7) % 100);
    std::snprintf(r.date, sizeof r.date, "2024-%02ld-%02ld", 1 + i % 12, 1 + i % 28);
    std::snprintf(r.time, sizeof r.time, "%02ld:%02ld:00", i % 24, i % 60);
    r.category = kCategories[(changed ? i + 1 : i) % 5];
    r.stock = (k * 3) % 500;
    r.active = changed ? i % 7 == 0 : i % 7 != 0;
    return r;
}

class Writer {
public:
    explicit Writer(const fs::path& p) : out_(p, std::ios::binary) {
        if (!out_) throw std::runtime_error("cannot write " + p.string());
    }
    template <class... A>
    void line(const char* fmt, A... args) {
        const int n = std::snprintf(buf_, sizeof buf_, fmt, args...);
        out_.write(buf_, n);
    }
    void raw(std::string_view text) { out_.write(text.data(), static_cast<std::streamsize>(text.size())); }
    void close() {
        out_.close();
        if (!out_) throw std::runtime_error("writing a data file failed (disk full?)");
    }

private:
    std::ofstream out_;
    char buf_[512];
};

const char* boolean(bool b) { return b ? "true" : "false"; }
int bit(bool b) { return b ? 1 : 0; }

} // namespace

DataFiles write_data(const fs::path& dir, long rows) {
    DataFiles f{dir / "create.csv", dir / "create.jsonl", dir / "upsert.csv", dir / "upsert.jsonl",
                dir / "update.csv", dir / "update.jsonl", dir / "ids.csv"};
    Writer create_csv(f.create_csv), create_jsonl(f.create_jsonl), upsert_csv(f.upsert_csv),
        upsert_jsonl(f.upsert_jsonl), update_csv(f.update_csv), update_jsonl(f.update_jsonl), ids_csv(f.ids_csv);
    create_csv.raw("name,price,category,stock,active,created_at\n");
    upsert_csv.raw("id,name,price,category,stock,active,created_at\n");
    update_csv.raw("id,price,stock\n");
    ids_csv.raw("id\n");
    for (long i = 1; i <= rows; ++i) {
        const Row a = product(i, false);
        create_csv.line("%s,%s,%s,%ld,%d,%s %s\n", a.name, a.price, a.category, a.stock, bit(a.active), a.date, a.time);
        create_jsonl.line(R"({"name":"%s","price":"%s","category":"%s","stock":%ld,"active":%s,"created_at":"%sT%sZ"})"
                          "\n",
                          a.name, a.price, a.category, a.stock, boolean(a.active), a.date, a.time);
        const Row b = product(i, true);
        upsert_csv.line("%ld,%s,%s,%s,%ld,%d,%s %s\n", i, b.name, b.price, b.category, b.stock, bit(b.active), b.date, b.time);
        upsert_jsonl.line(
            R"({"id":%ld,"name":"%s","price":"%s","category":"%s","stock":%ld,"active":%s,"created_at":"%sT%sZ"})"
            "\n",
            i, b.name, b.price, b.category, b.stock, boolean(b.active), b.date, b.time);
        update_csv.line("%ld,%s,%ld\n", i, b.price, b.stock);
        update_jsonl.line(R"({"id":%ld,"price":"%s","stock":%ld})"
                          "\n",
                          i, b.price, b.stock);
        ids_csv.line("%ld\n", i);
    }
    for (Writer* w : {&create_csv, &create_jsonl, &upsert_csv, &upsert_jsonl, &update_csv, &update_jsonl, &ids_csv})
        w->close();
    return f;
}

boost::json::array id_array(long first, long last) {
    boost::json::array out;
    out.reserve(static_cast<std::size_t>(last - first + 1));
    for (long i = first; i <= last; ++i) out.push_back(i);
    return out;
}

} // namespace bench
