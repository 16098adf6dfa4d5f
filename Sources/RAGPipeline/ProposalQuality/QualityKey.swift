/// The comparable keys of the groundedness test: 64-bit FNV-1a hashes of lower-case UTF-8 forms,
/// so a reference's thousands of words become a set of integers without a string per word.
/// (A collision between two different words is a 1-in-2⁶⁴ chance per pair: negligible here.)
enum QualityKey {
    /// The key of `text`'s UTF-8 bytes as they are (callers pass canonical, lower-case forms).
    @inline(__always)
    static func of(_ text: String) -> UInt64 {
        var hash = StableHash.offset
        for byte in text.utf8 { hash = StableHash.combine(hash, byte) }
        return hash
    }

    /// The key of `bytes[range]`.
    @inline(__always)
    static func of(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        StableHash.fnv1a(bytes, range)
    }
}
