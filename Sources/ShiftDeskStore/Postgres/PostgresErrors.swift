import Foundation
import PostgresNIO

/// What postgres-nio throws, said the way a desk agent understands it.
enum PostgresErrors {
    /// SQLSTATEs worth retrying the whole transaction for.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let state = sqlState(error) else { return false }
        return state == "40001" || state == "40P01"
    }

    /// The connection went away under the query (server restart, terminated backend).
    static func isConnectionLost(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError else { return false }
        switch psql.code {
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return true
        case .server:
            return ["57P01", "57P02", "57P03"].contains(psql.serverInfo?[.sqlState] ?? "")
        default:
            return false
        }
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func map(_ error: any Error, _ location: PostgresLocation) -> StoreError {
        if let store = error as? StoreError { return store }
        if let decoding = error as? PostgresDecodingError {
            return .corrupt("column \(decoding.columnName): \(decoding.code)")
        }
        let unreachable = StoreError.unreachable(path: location.description,
                                                 reason: "cannot reach the PostgreSQL server at \(location.server)")
        guard let psql = error as? PSQLError else {
            // The pool gives up on a server it cannot connect to ("circuit breaker tripped").
            let text = String(describing: error)
            if text.contains("ConnectionPoolError") || text.contains("connectionCreationCircuitBreakerTripped") {
                return unreachable
            }
            return .failure(text)
        }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            let message = psql.serverInfo?[.message] ?? "error \(state)"
            let detail = psql.serverInfo?[.detail].map { " (\($0))" } ?? ""
            switch state {
            case "28P01", "28000":
                return .cannotOpen(path: location.description,
                                   reason: "the server refused user \(location.user): \(message); check the password in the URL and pg_hba.conf")
            case "3D000":
                return .databaseMissing(path: location.description)
            case "42501":
                return .failure("user \(location.user) may not do this: \(message)")
            case "53100":
                return .diskFull(path: location.description)
            case "25006":
                return .readOnly(path: location.description, account: location.user)
            case "XX001", "XX002":
                return .damaged(path: location.description, detail: message)
            case "53300":
                return .cannotOpen(path: location.description, reason: "the PostgreSQL server at \(location.server) has no free connections")
            case "57P01", "57P02", "57P03":
                return .unreachable(path: location.description,
                                   reason: "the PostgreSQL server at \(location.server) is shutting down or starting up; retry in a moment")
            default:
                return .failure(message + detail)
            }
        case .connectionError, .uncleanShutdown, .serverClosedConnection, .clientClosedConnection, .poolClosed:
            let reason = describeUnderlying(psql.underlying)
            return .unreachable(path: location.description,
                               reason: "cannot reach the PostgreSQL server at \(location.server)" + (reason.map { " (\($0))" } ?? ""))
        case .sslUnsupported:
            return .cannotOpen(path: location.description,
                               reason: "the PostgreSQL server at \(location.server) does not offer TLS, which sslmode=require asks for")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return .cannotOpen(path: location.description, reason: "the TLS handshake with \(location.server) failed")
        case .authMechanismRequiresPassword:
            return .cannotOpen(path: location.description,
                               reason: "the server asks a password for user \(location.user); put it in the URL (postgres://USER:PASSWORD@…)")
        case .unsupportedAuthMechanism, .saslError:
            return .cannotOpen(path: location.description, reason: "the server asks for an authentication this client cannot do (\(psql.code))")
        case .queryCancelled:
            return .failure("the query was cancelled")
        default:
            return .failure("\(psql.code)" + (describeUnderlying(psql.underlying).map { ": \($0)" } ?? ""))
        }
    }

    private static func describeUnderlying(_ error: (any Error)?) -> String? {
        guard let error else { return nil }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ETIMEDOUT: return "timed out"
            case EHOSTUNREACH, ENETUNREACH: return "no route to host"
            default: return String(cString: strerror(io.errnoCode))
            }
        }
        let text = String(describing: error)
        if text.contains("connectTimeout") { return "timed out" }
        if text.lowercased().contains("connection refused") { return "connection refused" }
        if text.contains("NIOConnectionError") {
            if text.contains("ECONNREFUSED") || text.contains("Connection refused") { return "connection refused" }
            if text.contains("resolution") || text.contains("dnsAAAAError") || text.contains("dnsAError") { return "unknown host" }
            return "connection failed"
        }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }
}
