#ifndef RAG_CSQLITE_H
#define RAG_CSQLITE_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import: these bind copies of the caller's bytes. */
int csqlite_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int length);
int csqlite_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int length);

#endif
