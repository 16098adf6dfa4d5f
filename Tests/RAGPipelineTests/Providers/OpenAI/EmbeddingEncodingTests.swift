import Foundation
import Testing

@testable import RAGPipeline

@Suite("OpenAI embeddings: base64 and float encodings")
struct EmbeddingEncodingTests {
    static let values: [Float] = [0.25, -1.5, 3.0e-7, 0.123456789, -0.0, 42]

    static func response(embedding: String) -> Data {
        Data(#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":\#(embedding)}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}"#.utf8)
    }

    @Test("a base64 vector (little-endian float32) decodes to exactly the values an array of numbers gives")
    func bothEncodingsAgree() throws {
        var bytes = Data()
        for value in Self.values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        let base64 = try JSONDecoder().decode(OpenAIWire.EmbeddingsResponse.self, from: Self.response(embedding: "\"\(bytes.base64EncodedString())\""))
        let numbers = try JSONDecoder().decode(
            OpenAIWire.EmbeddingsResponse.self, from: Self.response(embedding: "[" + Self.values.map { "\($0)" }.joined(separator: ",") + "]"))
        #expect(base64.data[0].embedding == Self.values)
        #expect(numbers.data[0].embedding == Self.values)
    }

    @Test("a string that is not the base64 of float32 values is a decoding error, not a short vector")
    func malformedBase64() {
        for bad in [#""not base64!""#, #""AAAA""#, #""AAE=""#] {
            #expect(throws: DecodingError.self, "\(bad)") {
                try JSONDecoder().decode(OpenAIWire.EmbeddingsResponse.self, from: Self.response(embedding: bad))
            }
        }
    }
}
