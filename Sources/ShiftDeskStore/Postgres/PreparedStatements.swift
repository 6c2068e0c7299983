import Foundation
import PostgresNIO
import Synchronization

/// A statement every write runs, parsed and planned once per connection instead of at every
/// run (the server's parser was its top symbol under 50 seat processes, issue 19). The text
/// is whatever `PG.query` builds at the call site: the first text built under a name is the
/// one prepared, and a later one that differs runs unprepared (a call site whose text depends
/// on its values must not be named).
protocol PreparedShape {
    /// Unique among the desk's prepared statements.
    static var name: String { get }
}

/// The texts prepared under each name in this process.
enum PreparedTexts {
    private static let texts = Mutex<[String: String]>([:])

    /// True when `sql` is the text of `name` (the first one registered under it).
    static func register(_ name: String, _ sql: String) -> Bool {
        texts.withLock { texts in
            if let known = texts[name] { return known == sql }
            texts[name] = sql
            return true
        }
    }

    static func text(_ name: String) -> String { texts.withLock { $0[name] ?? "" } }
}

/// postgres-nio prepares a statement on a connection the first time it runs there, by name.
struct Prepared<Shape: PreparedShape>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { Shape.name }
    static var sql: String { PreparedTexts.text(Shape.name) }
    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PGSession {
    /// Runs `query` prepared as `Shape` (see ``PreparedShape``).
    func rows<Shape: PreparedShape>(_ query: PostgresQuery, preparedAs _: Shape.Type) async throws -> [PGRow] {
        guard PreparedTexts.register(Shape.name, query.sql) else { return try await rows(query) }
        var rows: [PGRow] = []
        for try await row in try await connection.execute(Prepared<Shape>(bindings: query.binds), logger: logger) {
            rows.append(PGRow(row))
        }
        return rows
    }
}
