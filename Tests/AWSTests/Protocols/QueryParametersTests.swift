import AWS
import Foundation
import Testing

@Suite("Query protocol parameters")
struct QueryParametersTests {
    @Test("everything outside the unreserved set is percent-encoded, UTF-8 included")
    func percentEncoding() {
        #expect(QueryParameters.percentEncode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(QueryParameters.percentEncode("a b+c/d:e(f)*=&é") == "a%20b%2Bc%2Fd%3Ae%28f%29%2A%3D%26%C3%A9")
        #expect(QueryParameters.formEncode("a b+c") == "a+b%2Bc")
    }

    @Test("lists, members and numbers use the query conventions")
    func encoding() {
        var parameters = QueryParameters()
        parameters.add("Name", "n")
        parameters.add("Skipped", nil as String?)
        parameters.addList("AlarmNames", ["a", "b"])
        parameters.addMembers("Dimensions", [("EndpointName", "local")]) { parameters, prefix, pair in
            parameters.add(prefix + ".Name", pair.0)
            parameters.add(prefix + ".Value", pair.1)
        }
        parameters.add("Threshold", 120.0)
        parameters.add("Small", 0.25)
        parameters.add("Flag", true)
        parameters.add("Time", Date(timeIntervalSince1970: 1_795_625_929))
        #expect(parameters.formBody(action: "Act", version: "2010-08-01") == [
            "Action=Act", "Version=2010-08-01", "Name=n", "AlarmNames.member.1=a", "AlarmNames.member.2=b",
            "Dimensions.member.1.Name=EndpointName", "Dimensions.member.1.Value=local", "Threshold=120", "Small=0.25",
            "Flag=true", "Time=2026-11-25T16%3A58%3A49Z",
        ].joined(separator: "&"))
    }
}
