import Foundation

/// The selected profile of the shared AWS files (`~/.aws/credentials` and `~/.aws/config`).
///
/// Paths come from `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` (a leading `~/` means
/// `$HOME`), else `$HOME/.aws/...`; the profile from `AWS_PROFILE`, else `default`. In the config
/// file a profile is `[profile NAME]` (or `[default]`), in the credentials file `[NAME]`. When both
/// files set a property, the credentials file wins, as in the SDKs.
struct SharedConfigFiles: Sendable {
    let profileName: String
    /// `true` when `AWS_PROFILE` named the profile, so a missing profile is an error.
    let profileIsExplicit: Bool
    let credentialsPath: String
    let configPath: String
    /// The profile's properties in the credentials file, `nil` when absent there.
    let credentialsProfile: [String: String]?
    /// The profile's properties in the config file, `nil` when absent there.
    let configProfile: [String: String]?

    init(environment: [String: String]) {
        let home = environment.nonEmpty("HOME") ?? NSHomeDirectory()
        func expand(_ path: String) -> String {
            path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        }
        profileIsExplicit = environment.nonEmpty("AWS_PROFILE") != nil
        profileName = environment.nonEmpty("AWS_PROFILE") ?? "default"
        credentialsPath = expand(environment.nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
        configPath = expand(environment.nonEmpty("AWS_CONFIG_FILE") ?? "~/.aws/config")

        let credentialSections = Self.parse(file: credentialsPath)
        credentialsProfile = credentialSections[profileName]
        let configSections = Self.parse(file: configPath)
        configProfile = profileName == "default"
            ? configSections["default"] ?? configSections["profile default"]
            : configSections["profile \(profileName)"]
    }

    /// `true` when either file defines the profile.
    var profileExists: Bool { credentialsProfile != nil || configProfile != nil }

    /// A property of the profile: the credentials file first, then the config file.
    subscript(key: String) -> String? {
        if let value = credentialsProfile?[key], !value.isEmpty { return value }
        if let value = configProfile?[key], !value.isEmpty { return value }
        return nil
    }

    static func parse(file path: String) -> [String: [String: String]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// Parses INI text into sections of properties. Comments start with `#` or `;` (at the start
    /// of a line, or after whitespace inside a value); indented lines (nested sub-properties such
    /// as an `s3 =` block) are skipped; property names are lowercased.
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close]
                    .split(whereSeparator: \.isWhitespace).joined(separator: " ")
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, rawLine.first?.isWhitespace != true,
                  let equals = line.firstIndex(of: "=")
            else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = String(line[line.index(after: equals)...])
            if let comment = value.firstRange(of: #/\s[#;]/#) {
                value = String(value[..<comment.lowerBound])
            }
            sections[section, default: [:]][key] = value.trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
