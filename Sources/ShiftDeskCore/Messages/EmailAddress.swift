import Foundation

/// An e-mail address as the desk accepts one: an operator's (`operator add|edit --email`), a
/// caller's (`ticket new --caller-email`, the call form, an import) or a role's in
/// `[notify.roles]` of config.toml. One rule for all of them: something before and after an
/// `@`, no blanks or line breaks, at most ``TextField/email``'s limit. The mail system judges
/// the rest (whether the mailbox exists) and a failure stays in the outbox with its error.
public enum EmailAddress {
    /// Whether `text` (already trimmed) is an address the desk will queue mail to.
    public static func isValid(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        return at != text.startIndex && text.index(after: at) != text.endIndex
            && !text.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    /// nil for nil or blank text; the trimmed address when it is valid; otherwise what is wrong.
    public static func parse(_ text: String?) -> Result<String?, TextViolation> {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return .success(nil) }
        if let violation = TextField.email.check(trimmed) { return .failure(violation) }
        return .success(trimmed)
    }
}
