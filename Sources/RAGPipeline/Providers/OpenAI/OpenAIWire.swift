import Foundation

/// Request and response bodies of the OpenAI API, as documented
/// (https://platform.openai.com/docs/api-reference/embeddings,
/// https://platform.openai.com/docs/api-reference/chat). Only the fields the worker uses.
enum OpenAIWire {
    struct EmbeddingsRequest: Encodable {
        var model: String
        var input: [String]
        /// `base64`: each vector comes as the base64 of its little-endian float32 values, a third
        /// the size of decimal text and decoded without parsing 1,536 numbers.
        var encoding_format = "base64"
        /// Sent only for models that can shorten their vectors (`text-embedding-3-*`).
        var dimensions: Int?
    }

    struct EmbeddingsResponse: Decodable {
        struct Item: Decodable {
            var index: Int
            var embedding: [Float]

            private enum CodingKeys: String, CodingKey { case index, embedding }

            /// Accepts both encodings the API has: a base64 string (asked for) or an array of numbers.
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                index = try container.decode(Int.self, forKey: .index)
                if let encoded = try? container.decode(String.self, forKey: .embedding) {
                    guard let vector = Self.floats(base64: encoded) else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .embedding, in: container, debugDescription: "not the base64 of float32 values")
                    }
                    embedding = vector
                } else {
                    embedding = try container.decode([Float].self, forKey: .embedding)
                }
            }

            /// Little-endian float32 values from their base64 text; nil when it is not that.
            static func floats(base64 text: String) -> [Float]? {
                guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else { return nil }
                return bytes.withUnsafeBytes { raw in
                    (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
                }
            }
        }

        struct Usage: Decodable {
            var prompt_tokens: Int?
            var total_tokens: Int?
        }

        var data: [Item]
        var model: String?
        var usage: Usage?
    }

    struct ChatMessage: Codable, Equatable {
        var role: String
        var content: String

        static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
        static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
        static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
    }

    struct ResponseFormat: Encodable {
        struct JSONSchema: Encodable {
            var name: String
            var strict: Bool
            var schema: JSONValue
        }

        var type = "json_schema"
        var json_schema: JSONSchema
    }

    /// A chat completions request without its `response_format`, which ``ChatRequestEncoder`` adds.
    struct ChatRequest: Encodable {
        var model: String
        var messages: [ChatMessage]
        var temperature: Double?
        var max_completion_tokens: Int?
    }

    /// Encodes chat requests with one fixed `response_format`.
    ///
    /// The format carries the proposal's JSON schema, several kilobytes that are the same in every
    /// request, so it is encoded once here and its bytes are spliced into each encoded request:
    /// encoding it per job took most of the request's encoding time.
    struct ChatRequestEncoder: Sendable {
        private let responseFormatMember: Data

        init(responseFormat: ResponseFormat) throws {
            responseFormatMember = Data(#","response_format":"#.utf8) + (try JSONEncoder().encode(responseFormat))
        }

        func encode(_ request: ChatRequest) throws -> Data {
            var body = try JSONEncoder().encode(request)
            // An encoded object ends with its closing brace; the member goes just before it.
            guard body.last == UInt8(ascii: "}") else { throw EncodingError.invalidValue(request, .init(codingPath: [], debugDescription: "not a JSON object")) }
            body.insert(contentsOf: responseFormatMember, at: body.index(before: body.endIndex))
            return body
        }
    }

    struct ChatResponse: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var role: String?
                var content: String?
                var refusal: String?
            }

            var index: Int?
            var message: Message
            var finish_reason: String?
        }

        struct Usage: Decodable {
            struct PromptDetails: Decodable {
                var cached_tokens: Int?
            }

            struct CompletionDetails: Decodable {
                var reasoning_tokens: Int?
            }

            var prompt_tokens: Int?
            var completion_tokens: Int?
            var prompt_tokens_details: PromptDetails?
            var completion_tokens_details: CompletionDetails?
        }

        var id: String?
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }
}
