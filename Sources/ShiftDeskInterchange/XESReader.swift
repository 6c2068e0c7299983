import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ShiftDeskCore

/// Reads an XES log (plain, gzip or a one-file zip archive) with Foundation's SAX parser, handing over one trace at a
/// time. Only attributes directly inside `<log>`, `<trace>` and `<event>` are taken (nested
/// meta-attributes are skipped); every attribute type (string, date, int, float, boolean, id)
/// is kept as the text of its `value`.
public enum XESReader {
    /// The log's own attributes and the traces, each handed to `body` as soon as it is complete.
    /// A malformed file (not XML, not XES, truncated) throws for the file as a whole.
    public static func read(path: String, displayName: String? = nil,
                            body: (XESTrace) throws(InterchangeIssue) -> Void) throws(InterchangeIssue) -> [String: String] {
        let file = displayName ?? path
        return try read(data: try ImportInput.bytes(path: path, file: file), file: file, body: body)
    }

    /// The same over a log already in memory (decompressed).
    public static func read(data: Data, file: String,
                            body: (XESTrace) throws(InterchangeIssue) -> Void) throws(InterchangeIssue) -> [String: String] {
        let outcome = withoutActuallyEscaping(body) { escapable in parse(data: data, file: file, body: escapable) }
        return try outcome.get()
    }

    private static func parse(data: Data, file: String,
                              body: @escaping (XESTrace) throws(InterchangeIssue) -> Void) -> Result<[String: String], InterchangeIssue> {
        // Foundation's parser traps (a force unwrap) when libxml2 hands it a comment or text that
        // is not UTF-8: a UTF-8 log (XES logs are) is checked whole first.
        if declaresUTF8(data), let problem = TextFileBytes.firstInvalidUTF8(in: data) {
            return .failure(InterchangeIssue(file: file, line: problem.line,
                                             reason: "\(problem.reason) at byte \(problem.byte); an XES log must be UTF-8 text"))
        }
        let delegate = Delegate(file: file, body: body)
        // Through a stream, so that libxml2 gets the document in chunks: handed over whole, a log of
        // more than ~10 MB fails at its end with NSXMLParserErrorDomain 1 (seen with the BPI 2013 log).
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        let ok = parser.parse()
        parser.delegate = nil
        if let stop = delegate.stop { return .failure(stop) }
        if ok, delegate.sawLog, !delegate.sawLogEnd {
            return .failure(InterchangeIssue(file: file, line: parser.lineNumber > 0 ? parser.lineNumber : nil,
                                             reason: "the log ends early (no closing </log>): the file is truncated"))
        }
        if !ok || !delegate.sawLog {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "not an XES log (no <log> element)"
            return .failure(InterchangeIssue(file: file, line: parser.lineNumber > 0 ? parser.lineNumber : nil,
                                             reason: delegate.sawLog ? "broken XML: \(reason)" : "not an XES log: \(reason)"))
        }
        return .success(delegate.logAttributes)
    }

    /// True unless the XML declaration names an encoding other than UTF-8 (libxml2 then
    /// converts the text to UTF-8 itself).
    static func declaresUTF8(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(256), as: UTF8.self).lowercased()
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>"),
              let encoding = head[..<end.lowerBound].range(of: "encoding=") else { return true }
        let value = head[encoding.upperBound...].dropFirst().prefix { $0 != "\"" && $0 != "'" }
        return value == "utf-8" || value == "utf8"
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        let file: String
        let body: (XESTrace) throws(InterchangeIssue) -> Void
        var stop: InterchangeIssue?
        var sawLog = false
        var sawLogEnd = false
        var logAttributes: [String: String] = [:]
        /// Element names from the root down.
        var stack: [String] = []
        var trace: XESTrace?
        var event: XESEvent?
        weak var parser: XMLParser?

        static let attributeTypes: Set<String> = ["string", "date", "int", "float", "boolean", "id"]

        init(file: String, body: @escaping (XESTrace) throws(InterchangeIssue) -> Void) {
            self.file = file
            self.body = body
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let local = name.split(separator: ":").last.map(String.init) ?? name
            let parent = stack.last
            stack.append(local)
            switch (parent, local) {
            case (nil, "log"):
                sawLog = true
            case (nil, _):
                stop = InterchangeIssue(file: file, line: parser.lineNumber, reason: "not an XES log: the root element is <\(local)>, not <log>")
                parser.abortParsing()
            case ("log", "trace"):
                trace = XESTrace(line: parser.lineNumber)
            case ("trace", "event"):
                event = XESEvent(line: parser.lineNumber)
            case (let container?, _) where Self.attributeTypes.contains(local):
                guard let key = attributes["key"] else { return }
                let value = attributes["value"] ?? ""
                switch container {
                case "event": if event?.attributes[key] == nil { event?.attributes[key] = value }
                case "trace": if trace?.attributes[key] == nil { trace?.attributes[key] = value }
                case "log": if logAttributes[key] == nil { logAttributes[key] = value }
                default: break
                }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let local = stack.popLast()
            switch (stack.last, local) {
            case ("trace", "event"):
                if let event { trace?.events.append(event) }
                event = nil
            case (nil, "log"):
                sawLogEnd = true
            case ("log", "trace"):
                if let trace {
                    do {
                        try body(trace)
                    } catch {
                        stop = error
                        parser.abortParsing()
                    }
                }
                trace = nil
            default:
                break
            }
        }
    }
}
