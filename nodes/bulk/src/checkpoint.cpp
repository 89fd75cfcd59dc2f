#include "checkpoint.hpp"

#include <bulkflow/error.hpp>

#include <cstdint>

namespace bulkflow::bulk {
namespace {

constexpr const char* kTable = "bulkflow_load_ledger";

__extension__ using Hash128 = unsigned __int128;

// FNV-1a, 128 bits: fingerprints are compared, never trusted for security.
class Fnv128 {
public:
    void add(std::string_view bytes) noexcept {
        for (unsigned char c : bytes) {
            h_ ^= c;
            h_ *= prime();
        }
    }
    [[nodiscard]] std::string hex() const {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s(32, '0');
        Hash128 v = h_;
        for (std::size_t i = 32; i-- > 0; v >>= 4) s[i] = digits[static_cast<unsigned>(v & 0xF)];
        return s;
    }

private:
    static constexpr Hash128 prime() noexcept { return (Hash128{1} << 88) + 0x13B; }
    Hash128 h_ = (Hash128{0x6c62272e07bb0142ULL} << 64) | 0x62b821756295c58dULL;
};

// Every record, in order, with its keys sorted out of the way: the same records give the same
// hash, whatever their cells' order in a batch.
std::string hash_records(const RecordStream& stream) {
    Fnv128 h;
    auto cursor = stream.open();
    RecordBatch batch;
    std::size_t n = 0;
    while (cursor->next(batch, 10000)) {
        for (std::size_t r = 0; r < batch.size(); ++r) {
            h.add(boost::json::serialize(batch.row(r)));
            h.add("\n");
        }
        n += batch.size();
    }
    return "records:" + std::to_string(n) + ":" + h.hex();
}

std::string col(const Dialect& db, const char* name) { return db.flavor().quote_identifier(name); }

void create_table(Dialect& db) {
    const std::string ddl = "CREATE TABLE IF NOT EXISTS " + col(db, kTable) + " (" + col(db, "load_key") +
                            " VARCHAR(255) NOT NULL, " + col(db, "fingerprint") + " VARCHAR(32) NOT NULL, " +
                            col(db, "input") + " VARCHAR(1000) NOT NULL, " + col(db, "records_done") + " BIGINT NOT NULL, " +
                            col(db, "completed") + " INTEGER NOT NULL, PRIMARY KEY (" + col(db, "load_key") + ", " +
                            col(db, "fingerprint") + "))";
    try {
        db.execute({ddl, {}});
    } catch (const Error&) {
        // Two first runs at once: PostgreSQL's CREATE TABLE IF NOT EXISTS can fail in the one that
        // loses the race (a unique violation on its catalog). Fine if the table is there now.
        db.query({"SELECT " + col(db, "records_done") + " FROM " + col(db, kTable) + " WHERE 1 = 0", {}}, {});
    }
}

std::size_t as_size(const SqlValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<std::size_t>(*i);
    if (const auto* s = std::get_if<std::string>(&v)) return static_cast<std::size_t>(std::stoll(*s));
    if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
    return 0;
}

} // namespace

std::string input_fingerprint(const RecordStream& stream) {
    std::string own = stream.fingerprint();
    return own.empty() ? hash_records(stream) : own;
}

LoadLedger::LoadLedger(std::string key, std::string fingerprint) : key_(std::move(key)), input_(std::move(fingerprint)) {
    Fnv128 h;
    h.add(input_);
    id_ = h.hex();
}

LedgerEntry LoadLedger::open(Dialect& db) const {
    create_table(db);
    const auto& q = db.flavor();
    const SqlFragment select{"SELECT " + col(db, "records_done") + ", " + col(db, "completed") + " FROM " + col(db, kTable) +
                                 " WHERE " + col(db, "load_key") + " = " + q.placeholder(1) + " AND " + col(db, "fingerprint") +
                                 " = " + q.placeholder(2),
                             {SqlValue{key_}, SqlValue{id_}}};
    auto rows = db.query(select, {});
    if (rows.empty()) {
        try {
            db.execute({"INSERT INTO " + col(db, kTable) + " (" + col(db, "load_key") + ", " + col(db, "fingerprint") + ", " +
                            col(db, "input") + ", " + col(db, "records_done") + ", " + col(db, "completed") + ") VALUES (" +
                            q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(3) + ", 0, 0)",
                        {SqlValue{key_}, SqlValue{id_}, SqlValue{input_.substr(0, 1000)}}});
        } catch (const Error&) {
            // Another run of the same load inserted the row first: read its state below.
        }
        rows = db.query(select, {});
        if (rows.empty()) throw Error(ErrorCode::database, "resumable: cannot create the ledger row of load '" + key_ + "'");
    }
    return {as_size(rows[0][0]), as_size(rows[0][1]) != 0};
}

void LoadLedger::advance(Dialect& db, std::size_t from, std::size_t to) const {
    const auto& q = db.flavor();
    const std::size_t changed =
        db.execute({"UPDATE " + col(db, kTable) + " SET " + col(db, "records_done") + " = " + q.placeholder(1) + " WHERE " +
                        col(db, "load_key") + " = " + q.placeholder(2) + " AND " + col(db, "fingerprint") + " = " + q.placeholder(3) +
                        " AND " + col(db, "records_done") + " = " + q.placeholder(4) + " AND " + col(db, "completed") + " = 0",
                    {SqlValue{static_cast<std::int64_t>(to)}, SqlValue{key_}, SqlValue{id_},
                     SqlValue{static_cast<std::int64_t>(from)}}});
    if (changed != 1)
        throw Error(ErrorCode::refused, "resumable: another run is loading the same input as load '" + key_ +
                                            "' (its ledger row moved past record " + std::to_string(from) +
                                            "); this batch was rolled back and nothing of it is stored twice");
}

void LoadLedger::complete(Dialect& db, std::size_t records_done) const {
    const auto& q = db.flavor();
    const std::size_t changed =
        db.execute({"UPDATE " + col(db, kTable) + " SET " + col(db, "completed") + " = 1 WHERE " + col(db, "load_key") + " = " +
                        q.placeholder(1) + " AND " + col(db, "fingerprint") + " = " + q.placeholder(2) + " AND " +
                        col(db, "records_done") + " = " + q.placeholder(3) + " AND " + col(db, "completed") + " = 0",
                    {SqlValue{key_}, SqlValue{id_}, SqlValue{static_cast<std::int64_t>(records_done)}}});
    if (changed != 1)
        throw Error(ErrorCode::refused, "resumable: another run completed or moved load '" + key_ + "' while this one ran");
}

} // namespace bulkflow::bulk
