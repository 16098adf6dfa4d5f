/// Request and response bodies of the OpenAI API, as documented
/// (https://platform.openai.com/docs/api-reference/embeddings,
/// https://platform.openai.com/docs/api-reference/chat). Only the fields the worker uses.
enum OpenAIWire {
    struct EmbeddingsRequest: Encodable {
        var model: String
        var input: [String]
        var encoding_format = "float"
        /// Sent only for models that can shorten their vectors (`text-embedding-3-*`).
        var dimensions: Int?
    }

    struct EmbeddingsResponse: Decodable {
        struct Item: Decodable {
            var index: Int
            var embedding: [Float]
        }

        struct Usage: Decodable {
            var prompt_tokens: Int?
            var total_tokens: Int?
        }

        var data: [Item]
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

    struct ChatRequest: Encodable {
        var model: String
        var messages: [ChatMessage]
        var response_format: ResponseFormat
        var temperature: Double?
        var max_completion_tokens: Int?
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
            var prompt_tokens: Int?
            var completion_tokens: Int?
        }

        var id: String?
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }
}
