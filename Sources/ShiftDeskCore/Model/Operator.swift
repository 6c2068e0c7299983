import Foundation

/// A person on the duty table, known by their login.
public struct Operator: Codable, Hashable, Sendable {
    public var login: String
    public var name: String
    public var role: Role
    public var shift: ShiftName?
    /// A disabled operator (`operator disable`) can no longer act or log in; their history stays theirs.
    public var disabled: Bool
    /// Where the desk mails this operator (a desk agent: the results of the incidents they own);
    /// nil when none is on record. Checked by ``EmailAddress``.
    public var email: String?

    public init(login: String, name: String, role: Role, shift: ShiftName? = nil, disabled: Bool = false, email: String? = nil) {
        self.login = login
        self.name = name
        self.role = role
        self.shift = shift
        self.disabled = disabled
        self.email = email
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        login = try container.decode(String.self, forKey: .login)
        name = try container.decode(String.self, forKey: .name)
        role = try container.decode(Role.self, forKey: .role)
        shift = try container.decodeIfPresent(ShiftName.self, forKey: .shift)
        disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled) ?? false
        email = try container.decodeIfPresent(String.self, forKey: .email)
    }

    /// Logins are what `--as` and the OS give: short, printable, no spaces.
    public static func validateLogin(_ login: String) -> Bool {
        !login.isEmpty && login.count <= 64
            && login.unicodeScalars.allSatisfy { scalar in
                CharacterSet.alphanumerics.contains(scalar) || "._-@".unicodeScalars.contains(scalar)
            }
    }
}
