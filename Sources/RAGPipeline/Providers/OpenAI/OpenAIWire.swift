import Foundation
import Synchronization

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
                    guard let vector = Float32Base64.decode(encoded) else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .embedding, in: container, debugDescription: "not the base64 of float32 values")
                    }
                    embedding = vector
                } else {
                    embedding = try container.decode([Float].self, forKey: .embedding)
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

    /// Encodes chat requests with the proposal's `response_format`.
    ///
    /// The format carries the proposal's JSON schema, several kilobytes that differ between jobs
    /// only in the number of screening answers asked for (`answers.minItems` = `maxItems` = the
    /// question count, which OpenAI's structured outputs enforce). Each count's format is encoded
    /// once and its bytes are spliced into each request: encoding it per job took most of the
    /// request's encoding time.
    final class ChatRequestEncoder: Sendable {
        private let name: String
        private let strict: Bool
        private let schema: JSONValue
        private let members = Mutex<[Int: Data]>([:])

        init(name: String, strict: Bool, schema: JSONValue) throws {
            self.name = name
            self.strict = strict
            self.schema = schema
            _ = try responseFormatMember(answers: 0)
        }

        func encode(_ request: ChatRequest, answers: Int) throws -> Data {
            var body = try JSONEncoder().encode(request)
            // An encoded object ends with its closing brace; the member goes just before it.
            guard body.last == UInt8(ascii: "}") else { throw EncodingError.invalidValue(request, .init(codingPath: [], debugDescription: "not a JSON object")) }
            body.insert(contentsOf: try responseFormatMember(answers: answers), at: body.index(before: body.endIndex))
            return body
        }

        /// `,"response_format":{…}` for a job with `answers` screening questions.
        private func responseFormatMember(answers: Int) throws -> Data {
            if let cached = members.withLock({ $0[answers] }) { return cached }
            let format = ResponseFormat(json_schema: .init(name: name, strict: strict, schema: Self.schema(schema, answers: answers)))
            let member = Data(#","response_format":"#.utf8) + (try JSONEncoder().encode(format))
            members.withLock { $0[answers] = member }
            return member
        }

        /// `schema` with `properties.answers` asking for exactly `answers` entries.
        static func schema(_ schema: JSONValue, answers: Int) -> JSONValue {
            guard case .object(var root) = schema, case .object(var properties)? = root["properties"],
                  case .object(var list)? = properties["answers"] else { return schema }
            list["minItems"] = .number(Double(answers))
            list["maxItems"] = .number(Double(answers))
            properties["answers"] = .object(list)
            root["properties"] = .object(properties)
            return .object(root)
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
