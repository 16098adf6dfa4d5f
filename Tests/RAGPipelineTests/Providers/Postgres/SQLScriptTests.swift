@testable import RAGPipeline
import Testing

@Suite("SQL script splitting")
struct SQLScriptTests {
    @Test("statements split at top-level semicolons only: quotes, dollar quotes and comments are respected")
    func split() {
        let sql = """
            -- a comment; with a semicolon
            create table t (a text default 'x;y', "odd;name" int);
            /* block; comment */
            create function f() returns int language plpgsql as $$
            begin
                return 1; -- inside
            end;
            $$;
            insert into t values ('it''s; fine');
            select $tag$ a;b $tag$
            """
        let statements = SQLScript.statements(sql)
        #expect(statements.count == 4)
        #expect(statements[0] == #"create table t (a text default 'x;y', "odd;name" int)"#)
        #expect(statements[1].hasPrefix("create function f()") && statements[1].hasSuffix("$$"))
        #expect(statements[2] == "insert into t values ('it''s; fine')")
        #expect(statements[3] == "select $tag$ a;b $tag$")
    }

    @Test("the shipped migrations split into the expected statements")
    func shippedMigrations() throws {
        let migrations = try PostgresMigrator.bundled()
        #expect(migrations.map(\.version).starts(with: ["001_documents", "002_proposals"]))
        let documents = SQLScript.statements(migrations[0].sql)
        #expect(documents.contains { $0.hasPrefix("create or replace function match_documents") && $0.hasSuffix("$$") })
    }
}
