import Foundation

/// Where a PostgreSQL desk lives: `postgres://user[:password]@host[:port]/db[?sslmode=disable|prefer|require]`.
/// Parts are percent-decoded; the port defaults to 5432, the user to `postgres`, TLS to `prefer`.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain otherwise (the default, as libpq's).
        case prefer
        /// TLS or no connection; the server's certificate is checked against the system's trust roots.
        case require
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String, tls: TLSMode = .prefer) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
    }

    /// True for the texts `--db` hands to this backend.
    public static func matches(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` URL; a malformed one is refused with what is wrong in it.
    public init(url text: String) throws(StoreError) {
        let shown = Self.redacted(text)
        func refuse(_ reason: String) -> StoreError { .cannotOpen(path: shown, reason: reason) }
        guard let schemeEnd = text.range(of: "://"),
              ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound].lowercased()) else {
            throw refuse("not a postgres:// URL")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw refuse("the URL names no database (…/DATABASE)") }
        let authority = rest[..<slash]
        let path = rest[rest.index(after: slash)...]
        guard let database = String(path).removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            throw refuse("the URL names no database (…/DATABASE)")
        }
        var hostPart = authority
        var user = "postgres"
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
            let userText: Substring
            if let colon = credentials.firstIndex(of: ":") {
                userText = credentials[..<colon]
                guard let decoded = String(credentials[credentials.index(after: colon)...]).removingPercentEncoding else {
                    throw refuse("the password is not valid percent-encoding")
                }
                password = decoded
            } else {
                userText = credentials
            }
            guard let decoded = String(userText).removingPercentEncoding, !decoded.isEmpty else {
                throw refuse("the user name is empty or not valid percent-encoding")
            }
            user = decoded
        }
        var host: String
        var port = 5432
        if hostPart.hasPrefix("[") {
            // [IPv6]:port
            guard let close = hostPart.firstIndex(of: "]") else { throw refuse("unclosed [ in the host") }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else { throw refuse("bad port \"\(after.dropFirst())\"") }
                port = number
            } else if !after.isEmpty {
                throw refuse("unexpected \"\(after)\" after the host")
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            let portText = hostPart[hostPart.index(after: colon)...]
            guard let number = Int(portText), (1...65535).contains(number) else { throw refuse("bad port \"\(portText)\"") }
            port = number
        } else {
            host = String(hostPart)
        }
        host = host.removingPercentEncoding ?? host
        guard !host.isEmpty else { throw refuse("the URL names no host") }
        var tls = TLSMode.prefer
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0]
            let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            switch key {
            case "sslmode":
                switch value {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw refuse("sslmode takes disable, prefer or require, not \"\(value)\"")
                }
            default:
                throw refuse("unknown URL parameter \"\(key)\" (only sslmode is understood)")
            }
        }
        self.init(user: user, password: password, host: host, port: port, database: database, tls: tls)
    }

    /// The URL without its password, safe to show and log.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        let suffix = tls == .prefer ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(Self.encode(user))@\(hostText):\(port)/\(Self.encode(database))\(suffix)"
    }

    /// `host:port`, as a desk agent would name the server.
    public var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The same server with another database (to create the desk's database from `postgres`).
    func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.urlUserAllowed
        allowed.remove(charactersIn: ":@/?#[]")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Drops the password from a URL that could not be parsed, for the error message.
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
