import Foundation

/// The `encoding_format: "base64"` form of an embedding in the OpenAI API: the base64 text of
/// the vector's little-endian float32 values. The embedder reads it; the test double and the
/// benchmark's provider server write it.
public enum Float32Base64 {
    /// The base64 text of `values` as little-endian float32.
    public static func encode(_ values: some Collection<Float>) -> String {
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes.base64EncodedString()
    }

    /// The float32 values of `text`; nil when it is not base64 of a whole number of them.
    public static func decode(_ text: String) -> [Float]? {
        guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
