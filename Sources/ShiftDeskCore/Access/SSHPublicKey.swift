import Foundation

/// An OpenSSH public key as `ssh-keygen` writes it (`TYPE BASE64 [COMMENT]`), checked before it is
/// given to an operator: a known, supported type, a blob that decodes and names the same type,
/// and a size that type has.
public struct SSHPublicKey: Hashable, Sendable {
    public let type: String
    /// The key blob, base64 as written.
    public let base64: String
    public let blob: [UInt8]
    public let comment: String

    /// Types OpenSSH still accepts by default. DSA (`ssh-dss`) is refused: OpenSSH dropped it.
    public static let supportedTypes: Set<String> = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]
    /// RSA keys shorter than this are refused, as OpenSSH does.
    public static let minimumRSABits = 2048
    public static let maxLineBytes = 16384

    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case empty
        case tooLong(limit: Int)
        case severalKeys
        case malformed(String)
        case unsupportedType(String)
        case weakRSA(bits: Int)

        public var description: String { message(.en) }

        public func message(_ l: Language) -> String {
            switch self {
            case .empty: l.pick(en: "no public key found (expected a line such as `ssh-ed25519 AAAA… comment`)",
                                zh: "未找到公钥（应为 `ssh-ed25519 AAAA… 注释` 这样的一行）")
            case let .tooLong(limit): l.pick(en: "the key is longer than \(limit) bytes", zh: "公钥超过 \(limit) 字节")
            case .severalKeys: l.pick(en: "give one key at a time", zh: "一次只能添加一个公钥")
            case let .malformed(reason): l.pick(en: "not an OpenSSH public key: \(reason)", zh: "不是 OpenSSH 公钥：\(reason)")
            case let .unsupportedType(type): l.pick(
                en: "key type \(type) is not supported; use ssh-ed25519 (ssh-keygen -t ed25519), ECDSA or RSA of 2048 bits or more",
                zh: "不支持密钥类型 \(type)；请使用 ssh-ed25519（ssh-keygen -t ed25519）、ECDSA 或 2048 位以上的 RSA")
            case let .weakRSA(bits): l.pick(en: "an RSA key of \(bits) bits is too weak; use 2048 bits or more (or ssh-ed25519)",
                                            zh: "\(bits) 位的 RSA 密钥强度不足；请使用 2048 位以上（或 ssh-ed25519）")
            }
        }
    }

    /// Reads the one key of a `.pub` file's text (blank lines and `#` comments aside).
    public static func parse(_ text: String) throws(Problem) -> SSHPublicKey {
        guard text.utf8.count <= maxLineBytes else { throw .tooLong(limit: maxLineBytes) }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line = lines.first else { throw .empty }
        guard lines.count == 1 else { throw .severalKeys }
        let fields = line.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 2 else { throw .malformed("a type and the key are needed") }
        let type = fields[0]
        guard supportedTypes.contains(type) else {
            if type.contains("=") || type.contains("\"") || type.contains(",") {
                throw .malformed("options before the key are not accepted")
            }
            if type.hasPrefix("ssh-") || type.hasPrefix("ecdsa-") || type.hasPrefix("sk-") { throw .unsupportedType(type) }
            throw .malformed("unknown key type \"\(TerminalText.sanitize(String(type.prefix(40))))\"")
        }
        let base64 = fields[1]
        guard let data = Data(base64Encoded: base64), !data.isEmpty else { throw .malformed("the key is not valid base64") }
        let blob = [UInt8](data)
        var reader = BlobReader(bytes: blob)
        guard let embedded = reader.string(), String(decoding: embedded, as: UTF8.self) == type else {
            throw .malformed("the key's data does not match its type \(type)")
        }
        try check(type: type, reader: &reader)
        var comment = fields.count > 2 ? fields[2] : ""
        comment = String(comment.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init)).trimmingCharacters(in: .whitespaces)
        return SSHPublicKey(type: type, base64: base64, blob: blob, comment: String(comment.prefix(200)))
    }

    private static func check(type: String, reader: inout BlobReader) throws(Problem) {
        switch type {
        case "ssh-ed25519":
            guard let key = reader.string(), key.count == 32, reader.atEnd else { throw .malformed("an ed25519 key is 32 bytes") }
        case "sk-ssh-ed25519@openssh.com":
            guard let key = reader.string(), key.count == 32, reader.string() != nil, reader.atEnd else {
                throw .malformed("a security-key ed25519 key is 32 bytes and an application")
            }
        case "ssh-rsa":
            guard let exponent = reader.string(), !exponent.isEmpty, let modulus = reader.string(), reader.atEnd else {
                throw .malformed("an RSA key holds an exponent and a modulus")
            }
            let significant = modulus.drop { $0 == 0 }
            let bits = significant.first.map { (significant.count - 1) * 8 + (8 - $0.leadingZeroBitCount) } ?? 0
            guard bits >= minimumRSABits else { throw .weakRSA(bits: bits) }
        default:
            // ECDSA (plain or on a security key): the curve's name, then the point.
            guard let curve = reader.string(), type.contains(String(decoding: curve, as: UTF8.self)),
                  let point = reader.string(), !point.isEmpty else {
                throw .malformed("an ECDSA key names its curve and holds a point")
            }
            if type.hasPrefix("sk-") { guard reader.string() != nil else { throw .malformed("a security key names its application") } }
            guard reader.atEnd else { throw .malformed("trailing data after the key") }
        }
    }

    /// The key as `authorized_keys` holds it, with `comment`.
    public func line(comment: String) -> String { "\(type) \(base64) \(comment)" }

    /// `SHA256:…` as `ssh-keygen -lf` prints it, given the SHA-256 digest of ``blob``.
    public static func fingerprint(sha256 digest: [UInt8]) -> String {
        var text = Data(digest).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}

/// Reads the length-prefixed strings of an SSH key blob (RFC 4251).
private struct BlobReader {
    let bytes: [UInt8]
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func string() -> ArraySlice<UInt8>? {
        guard offset + 4 <= bytes.count else { return nil }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard length <= bytes.count - offset else { return nil }
        defer { offset += length }
        return bytes[offset..<offset + length]
    }
}

/// An operator's key as the desk keeps it.
public struct OperatorKey: Hashable, Sendable, Codable {
    public var login: String
    public var type: String
    public var base64: String
    /// `SHA256:…`, unique across the desk: one key, one person.
    public var fingerprint: String
    public var comment: String
    public var addedAt: Date

    public init(login: String, type: String, base64: String, fingerprint: String, comment: String, addedAt: Date) {
        self.login = login
        self.type = type
        self.base64 = base64
        self.fingerprint = fingerprint
        self.comment = comment
        self.addedAt = addedAt
    }
}
