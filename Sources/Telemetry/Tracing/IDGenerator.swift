import Synchronization

/// Random span and trace ids from xoshiro256++ seeded by the system's generator: ids must be
/// unique and unguessable enough for tracing, not secret, and a system call per span would cost
/// more than the rest of starting it.
final class IDGenerator: Sendable {
    static let shared = IDGenerator()

    private let state: Mutex<(UInt64, UInt64, UInt64, UInt64)>

    init() {
        var system = SystemRandomNumberGenerator()
        var seed = (system.next() as UInt64, system.next() as UInt64, system.next() as UInt64, system.next() as UInt64)
        if seed == (0, 0, 0, 0) { seed.0 = 1 }
        state = Mutex(seed)
    }

    /// A non-zero random 64-bit value.
    func next() -> UInt64 {
        while true {
            let value = state.withLock { s -> UInt64 in
                let result = rotl(s.0 &+ s.3, 23) &+ s.0
                let t = s.1 << 17
                s.2 ^= s.0
                s.3 ^= s.1
                s.1 ^= s.2
                s.0 ^= s.3
                s.2 ^= t
                s.3 = rotl(s.3, 45)
                return result
            }
            if value != 0 { return value }
        }
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
