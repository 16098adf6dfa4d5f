import AWS
import Foundation
import Testing

@Suite("XMLReader")
struct XMLReaderTests {
    @Test("reads a query response: declaration, namespaces, members, entities, CDATA, comments")
    func queryResponse() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <GetDashboardResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
              <GetDashboardResult>
                <DashboardBody>{&quot;widgets&quot;: [], &quot;note&quot;: &quot;a &lt; b &amp;&amp; c &#62; d &#x263A;&quot;}</DashboardBody>
                <Extra><![CDATA[<not>an element</not>]]></Extra>
                <List><member>one</member><member> two </member></List>
                <aws:Prefixed attr='1' other="x &amp; y">v</aws:Prefixed>
                <Empty/>
              </GetDashboardResult>
            </GetDashboardResponse>
            """
        let root = try XMLReader.parse(Data(xml.utf8))
        #expect(root.name == "GetDashboardResponse")
        #expect(root.attributes["xmlns"] == "http://monitoring.amazonaws.com/doc/2010-08-01/")
        let result = try #require(root.child("GetDashboardResult"))
        #expect(result.string("DashboardBody") == #"{"widgets": [], "note": "a < b && c > d ☺"}"#)
        #expect(result.string("Extra") == "<not>an element</not>")
        #expect(result.members("List").map(\.trimmedText) == ["one", "two"])
        #expect(result.child("Prefixed")?.attributes == ["attr": "1", "other": "x & y"])
        #expect(result.child("Empty")?.children.isEmpty == true)
        #expect(root["GetDashboardResult", "List"]?.children.count == 2)
    }

    @Test("typed accessors read numbers, booleans and timestamps")
    func accessors() throws {
        let element = try XMLReader.parse(Data(
            "<a><d>120.0</d><i>60</i><b>true</b><t>2026-11-25T16:58:49.123Z</t><u>2026-11-25T16:58:49Z</u></a>".utf8
        ))
        #expect(element.double("d") == 120)
        #expect(element.int("i") == 60)
        #expect(element.int("d") == 120)
        #expect(element.bool("b") == true)
        #expect(element.date("u") == Date(timeIntervalSince1970: 1_795_625_929))
        #expect(abs((element.date("t")?.timeIntervalSince1970 ?? 0) - 1_795_625_929.123) < 0.001)
    }

    @Test("malformed documents fail with an offset")
    func malformed() {
        for text in ["", "<a>", "<a></b>", "<a><b></a>", "<a x=1></a>", "<a></a><b></b>", "text"] {
            #expect(throws: XMLReaderError.self, "\(text)") { try XMLReader.parse(Data(text.utf8)) }
        }
    }
}
