import Foundation

/// A person on the duty table, known by their login.
public struct Operator: Codable, Hashable, Sendable {
    public var login: String
    public var name: String
    public var role: Role
    public var shift: ShiftName?

    public init(login: String, name: String, role: Role, shift: ShiftName? = nil) {
        self.login = login
        self.name = name
        self.role = role
        self.shift = shift
    }

    /// Logins are what `--as` and the OS give: short, printable, no spaces.
    public static func validateLogin(_ login: String) -> Bool {
        !login.isEmpty && login.count <= 64
            && login.unicodeScalars.allSatisfy { scalar in
                CharacterSet.alphanumerics.contains(scalar) || "._-@".unicodeScalars.contains(scalar)
            }
    }
}
