import Foundation
import RAGPipeline
import Telemetry
import Testing

/// Finding 4 of the security review: encodings of a key that the output guard missed. Each is
/// written the way a model steered by a posting would write it into a proposal.
@Suite("Security: output guard bypasses")
struct OutputGuardBypassTests {
    static let key = "sk-proj-Q7vX2mL9pR4tW8zK3nB6yH1c"
    static let guardian = OutputGuard { [key, "whsec-other-secret-value-000111222"] }

    static func hex(_ text: String, separator: String = "") -> String {
        Data(text.utf8).map { String(format: "%02x", $0) }.joined(separator: separator)
    }

    static func rot13(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z": Character(Unicode.Scalar((scalar.value - 97 + 13) % 26 + 97)!)
            case "A"..."Z": Character(Unicode.Scalar((scalar.value - 65 + 13) % 26 + 65)!)
            default: Character(scalar)
            }
        })
    }

    static let bypasses: [(String, [String])] = {
        let key = OutputGuardBypassTests.key
        let fullWidth = String(key.unicodeScalars.map { scalar -> Character in
            (0x21...0x7E).contains(scalar.value) ? Character(Unicode.Scalar(scalar.value + 0xFEE0)!) : Character(scalar)
        })
        let lookAlike = key.replacingOccurrences(of: "p", with: "р").replacingOccurrences(of: "s", with: "ѕ")
            .replacingOccurrences(of: "y", with: "у").replacingOccurrences(of: "c", with: "с")
        let wrapped = Data(("config: " + key).utf8).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return [
            ("zero-width characters between its letters", [key.map(String.init).joined(separator: "\u{200B}")]),
            ("a soft hyphen and a direction mark inside", [key.map(String.init).joined(separator: "\u{00AD}\u{200E}")]),
            ("Base64 at the second alignment", ["blob: " + Data(("x" + key).utf8).base64EncodedString()]),
            ("Base64 at the third alignment", ["blob: " + Data(("xy" + key).utf8).base64EncodedString()]),
            ("Base64 wrapped with newlines", ["attachment:\n" + Data(("a" + key + "b").utf8).base64EncodedString(options: .lineLength64Characters)]),
            ("Base64 inside a longer document, wrapped at 64", [wrapped]),
            ("URL-safe Base64", [Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")]),
            ("hex with colons", ["fingerprint " + hex(key, separator: ":")]),
            ("hex as 0x bytes", [Data(key.utf8).map { String(format: "0x%02X", $0) }.joined(separator: ", ")]),
            ("percent-encoding of every byte", [Data(key.utf8).map { String(format: "%%%02X", $0) }.joined()]),
            ("percent-encoding of some bytes", [key.replacingOccurrences(of: "-", with: "%2D").replacingOccurrences(of: "Q", with: "%51")]),
            ("ROT13", ["decode this: " + rot13(key)]),
            ("a 20-character prefix", ["starts with " + String(key.prefix(20)) + "…"]),
            ("a 20-character suffix", ["ends with …" + String(key.suffix(20))]),
            ("full-width letters", [fullWidth]),
            ("Cyrillic look-alike letters", [lookAlike]),
            ("split across two fields", ["key part one: " + String(key.prefix(16)), String(key.dropFirst(16)) + " is part two"]),
            ("spelled out with spaces and dashes", [key.map(String.init).joined(separator: " - ")]),
            ("upper case", [key.uppercased()]),
            ("reversed", [String(key.reversed())]),
        ]
    }()

    @Test("each disguise of the key is found", arguments: bypasses)
    func bypassIsCaught(name: String, texts: [String]) {
        #expect(Self.guardian.leakedSecretCount(in: texts) == 1, "not found: \(name)")
    }

    @Test("ordinary proposals, hashes and ids of the same shape are not taken for the key")
    func noFalsePositives() {
        let texts = [
            "I have shipped sk-learn pipelines and RAG projects (proj-42) for three years.",
            "Reference: 4bf92f3577b34da6a3ce929d0e0e4736, build c0ffee0123456789abcdef",
            Data("an unrelated configuration blob that is long enough".utf8).base64EncodedString(),
            "Milestones: 1) discovery 2) prototype 3) rollout — see https://example.com/case-studies/rag?x=%20y",
            String(Self.key.prefix(15)),  // fifteen characters are not a piece
        ]
        #expect(Self.guardian.leakedSecretCount(in: texts) == 0)
    }

    @Test("two different secrets in one result count as two")
    func countsDistinctSecrets() {
        #expect(Self.guardian.leakedSecretCount(in: [Self.key, "whsec-other-secret-value-000111222"]) == 2)
    }
}
