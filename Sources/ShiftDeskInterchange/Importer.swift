import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// What `shiftdesk import` was asked to do.
public struct ImportOptions: Sendable {
    public var format: ImportFormat
    public var path: String
    /// How the file is named in messages (as the operator gave it).
    public var displayName: String
    /// Stop at the first bad row, writing nothing; else skip bad tickets and list them.
    public var strict: Bool
    /// Tickets per transaction.
    public var batchSize: Int
    /// The prefix of imported tickets' `source` key (default: the format's).
    public var sourcePrefix: String?
    /// The zone of times written without an offset (ServiceNow's `d/m/yyyy hh:mm`).
    public var timeZone: TimeZone

    public init(format: ImportFormat, path: String, displayName: String? = nil, strict: Bool = false, batchSize: Int = 500,
                sourcePrefix: String? = nil, timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt) {
        self.format = format
        self.path = path
        self.displayName = displayName ?? path
        self.strict = strict
        self.batchSize = max(1, batchSize)
        self.sourcePrefix = sourcePrefix
        self.timeZone = timeZone
    }
}

/// What an import did.
public struct ImportReport: Sendable, Hashable {
    /// Good tickets in the file and their events.
    public var tickets = 0
    public var events = 0
    /// Of those, stored by this run (the others were already in the desk: same `source`).
    public var imported = 0
    public var importedEvents = 0
    public var alreadyPresent = 0
    /// Tickets left out for a bad row, each with file, line and reason.
    public var skipped: [InterchangeIssue] = []
    /// Imported, with something changed on the way (a link to a problem this desk does not have).
    public var warnings: [String] = []
    /// Problems in the file (JSON), of those stored by this run, and already in the desk.
    public var problems = 0
    public var importedProblems = 0
    public var problemsAlreadyPresent = 0

    public init() {}
}

/// Why an import stopped. Nothing was written.
public enum ImportFailure: Error, Sendable, CustomStringConvertible {
    /// The file as a whole cannot be read (truncated, wrong columns, not XES …).
    case file(InterchangeIssue)
    /// `--strict` and a bad row.
    case strict(InterchangeIssue)
    case desk(DeskError)

    public var description: String {
        switch self {
        case let .file(issue): issue.description + "; nothing was imported"
        case let .strict(issue): issue.description + " (--strict: nothing was imported)"
        case let .desk(error): error.description
        }
    }
}

/// Imports a file into a desk: one transaction per batch of whole tickets, idempotent.
///
/// The file is read twice. The first pass maps everything and writes nothing: a file that is
/// broken as a whole (truncated, wrong columns), or with `--strict` any bad row, stops the import
/// with the database as it was. The second pass writes batches of whole tickets, each ticket
/// with its whole history, each batch one transaction. Tickets are keyed by `source`: a ticket
/// already in the desk is left as it is, so running the same import again, or again after an
/// interruption, completes it without duplicating anything.
public struct Importer: Sendable {
    public let desk: Desk
    public let options: ImportOptions

    public init(desk: Desk, options: ImportOptions) {
        self.desk = desk
        self.options = options
    }

    public func run(progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws(ImportFailure) -> ImportReport {
        var report = ImportReport()
        // Pass 1: map everything, write nothing.
        var source: TicketSource
        do { source = try TicketSource.open(options) } catch { throw .file(error) }
        var seen = Set<String>()
        var bad = Set<Int>()
        var position = 0
        do {
            while let item = try source.next() {
                defer { position += 1 }
                switch item.result {
                case let .failure(issue):
                    if options.strict { throw ImportFailure.strict(issue) }
                    bad.insert(position)
                    report.skipped.append(issue)
                case let .success(history):
                    // Without lines (JSON), the ticket's place in the file names it.
                    let place = item.line == nil ? "ticket \(position + 1) (\(history.ticket.source ?? history.ticket.id.description)): " : ""
                    if let violation = history.textViolation() {
                        let issue = InterchangeIssue(file: options.displayName, line: item.line, reason: place + violation.message(.en))
                        if options.strict { throw ImportFailure.strict(issue) }
                        bad.insert(position)
                        report.skipped.append(issue)
                        continue
                    }
                    let key = history.ticket.source ?? ""
                    if !seen.insert(key).inserted {
                        let issue = InterchangeIssue(file: options.displayName, line: item.line,
                                                     reason: place + "\(key) appears a second time (the rows of one ticket must be together); left out")
                        if options.strict { throw ImportFailure.strict(issue) }
                        bad.insert(position)
                        report.skipped.append(issue)
                        continue
                    }
                    report.tickets += 1
                    report.events += history.events.count
                }
            }
        } catch let failure as ImportFailure {
            throw failure
        } catch let issue as InterchangeIssue {
            throw .file(issue)
        } catch {
            throw .file(InterchangeIssue(file: options.displayName, line: nil, reason: "\(error)"))
        }

        // The problems a JSON export carries, read before the tickets: their links are made once both are in.
        var problemHistories: [ProblemHistory] = []
        if options.format == .json {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: options.path))
                for result in try DeskExport.problems(json: data, file: options.displayName) {
                    switch result {
                    case let .success(history): problemHistories.append(history)
                    case let .failure(issue):
                        if options.strict { throw ImportFailure.strict(issue) }
                        report.skipped.append(issue)
                    }
                }
            } catch let failure as ImportFailure {
                throw failure
            } catch let issue as InterchangeIssue {
                throw .file(issue)
            } catch {
                throw .file(InterchangeIssue(file: options.displayName, line: nil, reason: "cannot read the file again"))
            }
            report.problems = problemHistories.count
        }
        let problemsInFile = Set(problemHistories.map(\.problem.id))
        /// Ticket source key → its number here; exported problem number → the keys of the new tickets linked to it.
        var localTickets: [String: TicketID] = [:]
        var linksToMake: [ProblemID: [String]] = [:]

        // Pass 2: write batches of whole tickets.
        let knownProblems: Set<ProblemID>
        // Tickets exported from this very desk come back under `shiftdesk:THIS-DESK:INC-…`: already here.
        let ownPrefix: String?
        do {
            knownProblems = Set(try await desk.store.problems().map(\.id))
            ownPrefix = try await desk.store.setting(Exporter.deskIDKey).map { "shiftdesk:\($0):" }
        } catch {
            throw .desk(.store(error))
        }
        do { try source.rewind() } catch { throw .file(error) }
        var batch: [TicketHistory] = []
        var done = 0
        progress(0, report.tickets)
        position = 0
        while true {
            let item: TicketSource.Item?
            do {
                item = try source.next()
            } catch {
                throw .file(InterchangeIssue(file: error.file, line: error.line,
                                             reason: error.reason + " (the file changed while it was imported: run the import again)"))
            }
            guard let item else { break }
            defer { position += 1 }
            guard !bad.contains(position), case var .success(history) = item.result else { continue }
            if let ownPrefix, let source = history.ticket.source, source.hasPrefix(ownPrefix),
               let id = TicketID(parsing: String(source.dropFirst(ownPrefix.count))) {
                let here: Ticket?
                do { here = try await desk.store.ticket(id) } catch { throw .desk(.store(error)) }
                if here != nil, here?.source == nil {
                    report.alreadyPresent += 1
                    localTickets[source] = id
                    done += 1
                    continue
                }
            }
            if let problem = history.ticket.problem, problemsInFile.contains(problem) {
                // The file's own numbering: linked once the problem is in (below).
                if let key = history.ticket.source { linksToMake[problem, default: []].append(key) }
                history.ticket.problem = nil
            } else if let problem = history.ticket.problem, !knownProblems.contains(problem) || !problemsInFile.isEmpty {
                report.warnings.append("\(history.ticket.source ?? history.ticket.id.description): linked problem \(problem) is not in this desk; the link stays in the history only")
                history.ticket.problem = nil
            }
            batch.append(history)
            if batch.count >= options.batchSize {
                for (written, result) in zip(batch, try await write(batch, into: &report)) {
                    if let key = written.ticket.source { localTickets[key] = result.id }
                }
                done += batch.count
                progress(done, report.tickets)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty {
            for (written, result) in zip(batch, try await write(batch, into: &report)) {
                if let key = written.ticket.source { localTickets[key] = result.id }
            }
            done += batch.count
            progress(done, report.tickets)
        }
        try await importProblems(problemHistories, tickets: localTickets, links: linksToMake, ownPrefix: ownPrefix, into: &report)
        return report
    }

    /// Stores the file's problems with their histories, keyed by their `source`, their incidents
    /// named by the tickets' keys; a duplicate's target first, so its link can be kept.
    private func importProblems(_ histories: [ProblemHistory], tickets: [String: TicketID], links: [ProblemID: [String]],
                                ownPrefix: String?, into report: inout ImportReport) async throws(ImportFailure) {
        guard !histories.isEmpty else { return }
        var local: [String: ProblemID] = [:]
        var remaining = histories
        while !remaining.isEmpty {
            let ready = remaining.filter { item in
                guard let key = item.duplicateOfKey else { return true }
                return local[key] != nil || !histories.contains { $0.source == key }
            }
            // A ring of duplicates (not made by ShiftDesk) is broken where it starts.
            let batch = ready.isEmpty ? [remaining[0]] : ready
            remaining.removeAll { item in batch.contains { $0.source == item.source } }
            for history in batch {
                // A problem exported from this very desk comes back under `shiftdesk:THIS-DESK:PRB-…`: already here.
                if let ownPrefix, history.source.hasPrefix(ownPrefix), let id = ProblemID(parsing: String(history.source.dropFirst(ownPrefix.count))) {
                    let here: Problem?
                    do throws(StoreError) { here = try await desk.store.problem(id) } catch { throw .desk(.store(error)) }
                    if let here, here.source == nil {
                        local[history.source] = id
                        report.problemsAlreadyPresent += 1
                        continue
                    }
                }
                var problem = history.problem
                problem.source = history.source
                problem.duplicateOf = history.duplicateOfKey.flatMap { local[$0] }
                if history.duplicateOfKey != nil, problem.duplicateOf == nil {
                    report.warnings.append("\(history.source): the problem it duplicates is not in this desk; the link stays in its history only")
                }
                var unknown = Set<String>()
                var events = history.events
                for index in events.indices {
                    let keys = index < history.incidentKeys.count ? history.incidentKeys[index] : []
                    events[index].incidents = keys.compactMap { key -> TicketID? in
                        if let id = tickets[key] { return id }
                        unknown.insert(key)
                        return nil
                    }
                    events[index].origin = desk.origin
                }
                if !unknown.isEmpty {
                    report.warnings.append("\(history.source): \(unknown.count) incident(s) of its history are not in this desk (\(unknown.sorted().prefix(3).joined(separator: ", "))); named in its history by number only")
                }
                let linking = (links[history.problem.id] ?? []).compactMap { tickets[$0] }
                let stored: (id: ProblemID, isNew: Bool)
                do throws(StoreError) {
                    stored = try await desk.store.importProblem(problem, events: events, linking: linking)
                } catch {
                    throw .desk(.store(error))
                }
                local[history.source] = stored.id
                if stored.isNew { report.importedProblems += 1 } else { report.problemsAlreadyPresent += 1 }
            }
        }
    }

    @discardableResult
    private func write(_ histories: [TicketHistory], into report: inout ImportReport) async throws(ImportFailure) -> [ImportedHistory] {
        let results: [ImportedHistory]
        do { results = try await desk.importHistories(histories) } catch { throw .desk(error) }
        for (history, result) in zip(histories, results) {
            if result.isNew {
                report.imported += 1
                report.importedEvents += history.events.count
            } else {
                report.alreadyPresent += 1
            }
        }
        return results
    }
}

/// The tickets of a file one at a time, whatever its format.
struct TicketSource {
    struct Item {
        var result: Result<TicketHistory, InterchangeIssue>
        /// Where the ticket starts in the file, when the format has lines.
        var line: Int?
    }

    enum Kind {
        /// Rows grouped by ticket key (ServiceNow, ShiftDesk CSV).
        case rows(CSVReader, lookahead: CSVRow?, group: RowGroup)
        /// Mapped up front (JSON, XES: the parser hands over the whole document).
        case items([Item], next: Int)
    }

    /// How consecutive rows make one ticket.
    enum RowGroup {
        case servicenow(ServiceNowMapping)
        case desk(DeskExport.CSVLayout)

        func key(_ row: CSVRow) -> String? {
            switch self {
            case let .servicenow(mapping): mapping.number(of: row)
            case let .desk(layout): layout.key(of: row)
            }
        }

        func history(_ rows: [CSVRow]) -> Result<TicketHistory, InterchangeIssue> {
            do throws(InterchangeIssue) {
                switch self {
                case let .servicenow(mapping): return .success(try mapping.history(rows))
                case let .desk(layout): return .success(try layout.history(rows))
                }
            } catch {
                return .failure(error)
            }
        }
    }

    let options: ImportOptions
    var kind: Kind

    static func open(_ options: ImportOptions) throws(InterchangeIssue) -> TicketSource {
        let file = options.displayName
        switch options.format {
        case .servicenow, .csv:
            let reader = try CSVReader(path: options.path, displayName: file)
            guard let header = try reader.next() else { throw InterchangeIssue(file: file, line: nil, reason: "the file is empty") }
            let group: RowGroup
            if options.format == .servicenow {
                group = .servicenow(try ServiceNowMapping(header: header.cells, file: file,
                                                          sourcePrefix: options.sourcePrefix ?? ImportFormat.servicenow.defaultSourcePrefix,
                                                          timeZone: options.timeZone))
            } else {
                group = .desk(try DeskExport.CSVLayout(header: header.cells, file: file))
            }
            return TicketSource(options: options, kind: .rows(reader, lookahead: try reader.next(), group: group))
        case .json:
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: options.path))
            } catch {
                throw InterchangeIssue(file: file, line: nil, reason: "cannot read the file (missing, a folder, or no permission)")
            }
            let items = try DeskExport.histories(json: data, file: file).map { Item(result: $0, line: nil) }
            return TicketSource(options: options, kind: .items(items, next: 0))
        case .xes:
            let mapping = XESMapping(file: file, sourcePrefix: options.sourcePrefix ?? ImportFormat.xes.defaultSourcePrefix)
            var items: [Item] = []
            _ = try XESReader.read(path: options.path, displayName: file) { (trace: XESTrace) throws(InterchangeIssue) in
                do throws(InterchangeIssue) {
                    items.append(Item(result: .success(try mapping.history(trace)), line: trace.line))
                } catch {
                    items.append(Item(result: .failure(error), line: trace.line))
                }
            }
            return TicketSource(options: options, kind: .items(items, next: 0))
        }
    }

    /// Back to the first ticket (a CSV file is read again from its start).
    mutating func rewind() throws(InterchangeIssue) {
        switch kind {
        case let .items(items, _):
            kind = .items(items, next: 0)
        case .rows:
            self = try TicketSource.open(options)
        }
    }

    mutating func next() throws(InterchangeIssue) -> Item? {
        switch kind {
        case let .items(items, next):
            guard next < items.count else { return nil }
            kind = .items(items, next: next + 1)
            return items[next]
        case let .rows(reader, lookahead, group):
            guard let first = lookahead else { return nil }
            var rows = [first]
            let key = group.key(first)
            var following = try reader.next()
            // A row without a key stands alone (and is bad); rows with the same key make one ticket.
            if key != nil {
                while let row = following, group.key(row) == key {
                    rows.append(row)
                    following = try reader.next()
                }
            }
            kind = .rows(reader, lookahead: following, group: group)
            return Item(result: group.history(rows), line: first.line)
        }
    }
}

/// Every ticket of a log file, mapped as the importer maps it, without writing anything (a
/// drill replays them): the tickets that map, and the issues of those that do not.
public enum LogReader {
    public static func histories(_ options: ImportOptions) throws(ImportFailure) -> (histories: [TicketHistory], skipped: [InterchangeIssue]) {
        var source: TicketSource
        do { source = try TicketSource.open(options) } catch { throw .file(error) }
        var histories: [TicketHistory] = []
        var skipped: [InterchangeIssue] = []
        do {
            while let item = try source.next() {
                switch item.result {
                case let .success(history):
                    if let violation = history.textViolation() {
                        skipped.append(InterchangeIssue(file: options.displayName, line: item.line, reason: violation.message(.en)))
                    } else {
                        histories.append(history)
                    }
                case let .failure(issue):
                    if options.strict { throw ImportFailure.strict(issue) }
                    skipped.append(issue)
                }
            }
        } catch let failure as ImportFailure {
            throw failure
        } catch let issue as InterchangeIssue {
            throw .file(issue)
        } catch {
            throw .file(InterchangeIssue(file: options.displayName, line: nil, reason: "\(error)"))
        }
        return (histories, skipped)
    }
}
