import AWS
import Curl
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

@Suite("withMotoServer")
struct MotoServerTests {
    private struct Planned: Error {}

    @Test("the server answers inside the scope and is gone afterwards, even when the body throws")
    func scoped() async throws {
        let http = CurlHTTPClient()
        var endpoint = ""
        var processID: Int32 = 0
        await #expect(throws: Planned.self) {
            try await withMotoServer { moto in
                endpoint = moto.endpointURL
                processID = moto.processIdentifier
                let identity = try await STSClient(client: moto.client()).getCallerIdentity()
                #expect(identity.arn.hasSuffix("user/\(moto.userName)"))
                throw Planned()
            }
        }
        #expect(endpoint.hasPrefix("http://127.0.0.1:"))
        #expect(processID > 0)
        #expect(kill(processID, 0) == -1 && errno == ESRCH, "moto (pid \(processID)) still exists")
        // Nothing answers as moto there any more (another test's server may have taken the port).
        let response = try? await http.execute(HTTPClientRequest(method: .get, url: endpoint + "/moto-api/data.json", timeout: .seconds(2)))
        #expect(response?.isSuccess != true)
    }
}
