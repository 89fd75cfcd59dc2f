// The generated rows: the same values as CSV (for psql) and as JSON lines or an in-memory
// array (for bulkflow). Row i (1-based) is row i of every file, and gets id i once loaded.

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
    char name[48], price[16], created_at[24];
    const char* category;
    long stock;
    bool active;
};

Row product(long i, bool changed) {
    Row r{};
    const long k = changed ? i + 7 : i;
    std::snprintf(r.name, sizeof r.name, changed ? "Product %ld v2" : "Product %ld", i);
    std::snprintf(r.price, sizeof r.price, "%ld.%02ld", k % 1000, (k * 7) % 100);
    std::snprintf(r.created_at, sizeof r.created_at, "2024-%02ld-%02ldT%02ld:%02ld:00Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
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
        create_csv.line("%s,%s,%s,%ld,%s,%s\n", a.name, a.price, a.category, a.stock, boolean(a.active), a.created_at);
        create_jsonl.line(R"({"name":"%s","price":"%s","category":"%s","stock":%ld,"active":%s,"created_at":"%s"})"
                          "\n",
                          a.name, a.price, a.category, a.stock, boolean(a.active), a.created_at);
        const Row b = product(i, true);
        upsert_csv.line("%ld,%s,%s,%s,%ld,%s,%s\n", i, b.name, b.price, b.category, b.stock, boolean(b.active), b.created_at);
        upsert_jsonl.line(
            R"({"id":%ld,"name":"%s","price":"%s","category":"%s","stock":%ld,"active":%s,"created_at":"%s"})"
            "\n",
            i, b.name, b.price, b.category, b.stock, boolean(b.active), b.created_at);
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

boost::json::array create_array(long rows) {
    boost::json::array out;
    out.reserve(static_cast<std::size_t>(rows));
    for (long i = 1; i <= rows; ++i) {
        const Row a = product(i, false);
        out.push_back(boost::json::object{{"name", a.name},
                                          {"price", a.price},
                                          {"category", a.category},
                                          {"stock", a.stock},
                                          {"active", a.active},
                                          {"created_at", a.created_at}});
    }
    return out;
}

boost::json::array id_array(long first, long last) {
    boost::json::array out;
    out.reserve(static_cast<std::size_t>(last - first + 1));
    for (long i = first; i <= last; ++i) out.push_back(i);
    return out;
}

} // namespace bench
