import Testing
@testable import Telemetry

@Suite("ContentScreen")
struct ContentScreenTests {
    @Test("a long text matches on any 16-character piece, whatever the spacing, case, punctuation or JSON escaping")
    func pieces() {
        let screen = ContentScreen(grace: .zero)
        screen.register(["We need a Swift developer for our \"Lighthouse\" booking platform, urgently."], owner: "job-1")
        #expect(screen.appears(in: "echo: lighthouse BOOKING-platform"))
        #expect(screen.appears(in: #"{"input":"our \"Lighthouse\" booking"}"#))
        #expect(!screen.appears(in: "booking failed"), "shorter than a piece")
        #expect(!screen.appears(in: "the job store does not answer; refusing jobs until it does"))
    }

    @Test("a short text (a phone number, a country) matches only whole; very short texts are not screened")
    func shortTexts() {
        let screen = ContentScreen(grace: .zero)
        screen.register(["+44 20 7946 0958", "Atlantis", "UK"], owner: "job-1")
        #expect(screen.appears(in: "dial 442079460958 now"))
        #expect(screen.appears(in: "client from atlantis"))
        #expect(!screen.appears(in: "4420794"), "a part of a short text is no match")
        #expect(!screen.appears(in: "uk uk uk uk uk uk"), "two letters are never screened")
    }

    @Test("texts of other scripts are compared too")
    func otherScripts() {
        let screen = ContentScreen(grace: .zero)
        screen.register(["Wir suchen einen Entwickler für unsere Buchungsplattform"], owner: "job-1")
        #expect(screen.appears(in: "Fehler: ENTWICKLER FÜR UNSERE buchungsplattform"))
    }

    @Test("released texts stay screened for the grace period, then go; texts shared by two jobs stay with the other")
    func release() async throws {
        let screen = ContentScreen(grace: .milliseconds(200))
        screen.register(["a shared sentence about a booking platform"], owner: "job-1")
        screen.register(["a shared sentence about a booking platform", "only the second job says this"], owner: "job-2")
        screen.release("job-1")
        #expect(screen.appears(in: "about a booking platform"), "within the grace period")
        try await Task.sleep(for: .milliseconds(400))
        #expect(screen.appears(in: "about a booking platform"), "job-2 still holds it")
        screen.release("job-2")
        try await Task.sleep(for: .milliseconds(400))
        #expect(!screen.appears(in: "about a booking platform"))
        #expect(!screen.appears(in: "only the second job says this"))
        #expect(screen.ownerCount == 0)
    }
}
